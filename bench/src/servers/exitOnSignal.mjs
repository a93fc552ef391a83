// Preloaded into profiled servers that do not handle SIGTERM themselves: exiting normally
// is what makes Node.js write the --cpu-prof profile.
process.on('SIGTERM', () => process.exit(0));
