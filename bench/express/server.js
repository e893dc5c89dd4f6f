// Comparator of the Alora bench (python -m bench): Express 5, one process, serving from memory
// the bytes Alora answered for a route. Usage: node server.js PORT BODIES_DIR
// BODIES_DIR holds services.json (GET /api/v1/services), professionals.json
// (GET /api/v1/professionals) and me.json (GET /api/v1/auth/me) when present; the query string
// is ignored. GET /health answers {"status":"ok"}. Stops on SIGTERM.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const express = require("express");

const port = Number(process.argv[2]);
const dir = process.argv[3];
if (!Number.isInteger(port) || port < 1 || !dir) {
  console.error("usage: node server.js PORT BODIES_DIR");
  process.exit(2);
}

const routes = {
  "/api/v1/services": "services.json",
  "/api/v1/professionals": "professionals.json",
  "/api/v1/auth/me": "me.json",
};

const app = express();
app.disable("x-powered-by");
app.set("etag", false); // Alora sends no ETag on these routes: the same work on both sides

for (const [route, file] of Object.entries(routes)) {
  const source = path.join(dir, file);
  if (!fs.existsSync(source)) continue;
  const body = fs.readFileSync(source);
  app.get(route, (req, res) => {
    res.type("application/json").send(body);
  });
}
app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

const server = app.listen(port, "127.0.0.1", (error) => {
  if (error) {
    console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
    process.exit(1);
  }
});
server.on("error", (error) => {
  console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
  process.exit(1);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
