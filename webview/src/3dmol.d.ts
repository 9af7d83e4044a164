// 3Dmol's prebuilt ES module has no declarations of its own; its API is the package's.
declare module '3dmol/build/3Dmol.es6-min.js' {
  export { createViewer } from '3dmol';
}
