// Run alone in a fresh process by bench/results.ts: parses one Gaussian log and prints its time and extra memory as JSON.
import { parseGaussianOutput } from '../core/programs/results/gaussianResults.js';

const path = process.argv[2]!;
const before = process.memoryUsage();
let peakRss = before.rss;
let peakHeap = before.heapUsed + before.external + before.arrayBuffers;
// Sampled between the parser's chunk reads (each read yields to the event loop).
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  peakRss = Math.max(peakRss, now.rss);
  peakHeap = Math.max(peakHeap, now.heapUsed + now.external + now.arrayBuffers);
}, 5);
const started = performance.now();
const { results } = await parseGaussianOutput(path);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const after = process.memoryUsage();
peakRss = Math.max(peakRss, after.rss);
console.log(
  JSON.stringify({
    seconds,
    extraRssMb: (peakRss - before.rss) / 2 ** 20,
    extraHeapMb: (peakHeap - (before.heapUsed + before.external + before.arrayBuffers)) / 2 ** 20,
    steps: results.optimization?.steps ?? 0,
    atoms: results.geometry?.length ?? 0,
    normalTermination: results.normalTermination,
  }),
);
