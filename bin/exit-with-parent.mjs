// Preloaded into Prism (`node --import <this file> <prism> mock …`) by the launchers that start it (tim-rest-mock, the
// repository's scripts/prism.mjs), which give it a stdin pipe and never write to it. When the launcher ends — however
// it ends, SIGKILL included — the system closes the pipe's other end; stdin ends here and Prism stops, so it never
// outlives its launcher holding the port.
const stop = () => {
  process.kill(process.pid, 'SIGTERM');
  // In case a SIGTERM handler of the preloaded program keeps it running.
  setTimeout(() => process.exit(0), 2000).unref();
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
