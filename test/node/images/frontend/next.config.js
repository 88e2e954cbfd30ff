// `output: "standalone"` as the image contract asks: `node server.js` with the traced node_modules only.
// No `rewrites` here: they are fixed at build time, and BACKEND_URL is only known in the cluster.
module.exports = { output: 'standalone' };
