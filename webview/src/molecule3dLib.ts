// The 3D molecule library (3Dmol.js), bundled on its own as dist/webview-3d.js: the page imports it only when a job with a geometry is shown.
export { createViewer } from '3dmol/build/3Dmol.es6-min.js';
