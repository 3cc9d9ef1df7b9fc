// A raw OpenClaw gateway WebSocket client for recording log lines (facts §5).
//
// Needs: Node >= 22 and the `ws` package; the path of a node_modules that holds it is taken from
// $OPENCLAW_WS_MODULES (e.g. /work/main/e2e/openclaw-2026.9.6/node_modules).
//
// Usage: node wsclient.mjs '<json spec>'   — prints one JSON line with what happened.
// Spec fields (all optional except url):
//   url            ws://127.0.0.1:PORT/ (or through nginx)
//   headers        extra HTTP headers for the upgrade request ({"Origin": "...", "Host": "..."})
//   noConnect      true: never send a connect frame (the server's handshake timer fires)
//   raw            a raw text frame to send instead of connect ("garbage", a non-connect req…)
//   minProtocol / maxProtocol   default 3 / 4
//   client         {id, version, platform, mode, deviceFamily, displayName}; default cli/probe
//   role           default "operator"
//   scopes         default ["operator.read"]
//   auth           {token | password | deviceToken}
//   device         path of a JSON identity file (created on first use: Ed25519 key pair)
//   signToken      token string signed into the device payload (default auth.token ?? auth.deviceToken ?? "")
//   badSignature   true: sign a different nonce (device signature invalid)
//   waitMs         how long to wait for the close after the response (default 1500)
//   timeoutMs      overall limit (default 25000)
import { createRequire } from "node:module";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const modules = process.env.OPENCLAW_WS_MODULES;
if (!modules) {
  console.error("set OPENCLAW_WS_MODULES to a node_modules directory holding ws");
  process.exit(2);
}
const require = createRequire(path.join(modules, "noop.js"));
const WebSocket = require("ws");

const spec = JSON.parse(process.argv[2] ?? "{}");
const b64url = (buf) => Buffer.from(buf).toString("base64url");

function loadIdentity(file) {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const id = {
    deviceId: crypto.createHash("sha256").update(raw).digest("hex"),
    publicKey: b64url(raw),
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }),
  };
  fs.writeFileSync(file, JSON.stringify(id, null, 2));
  return id;
}

const norm = (v) => (v ?? "").trim().toLowerCase();
const out = { spec: { ...spec } };
const ws = new WebSocket(spec.url, { headers: spec.headers ?? {} });
const done = (extra) => {
  Object.assign(out, extra);
  console.log(JSON.stringify(out));
  process.exit(0);
};
setTimeout(() => done({ timeout: true }), spec.timeoutMs ?? 25000);
ws.on("unexpected-response", (_req, res) => {
  let body = "";
  res.on("data", (c) => (body += c));
  res.on("end", () => done({ http: res.statusCode, body: body.slice(0, 400) }));
});
ws.on("error", (e) => done({ error: String(e) }));
ws.on("close", (code, reason) => done({ close: code, reason: reason.toString() }));
ws.on("message", (data) => {
  const msg = JSON.parse(data.toString());
  if (msg.type === "event" && msg.event === "connect.challenge") {
    out.challenge = true;
    if (spec.noConnect) return;
    if (spec.raw !== undefined) {
      ws.send(spec.raw);
      return;
    }
    const client = {
      id: "cli",
      version: "0.0.0-logrec",
      platform: "linux",
      mode: "probe",
      ...spec.client,
    };
    const role = spec.role ?? "operator";
    const scopes = spec.scopes ?? ["operator.read"];
    const params = {
      minProtocol: spec.minProtocol ?? 3,
      maxProtocol: spec.maxProtocol ?? 4,
      client,
      role,
      scopes,
    };
    if (spec.auth) params.auth = spec.auth;
    if (spec.device) {
      const id = loadIdentity(spec.device);
      out.deviceId = id.deviceId;
      const nonce = msg.payload.nonce;
      const signedAt = Date.now();
      const token = spec.signToken ?? spec.auth?.token ?? spec.auth?.deviceToken ?? "";
      const payload = [
        "v3",
        id.deviceId,
        client.id,
        client.mode,
        role,
        scopes.join(","),
        String(signedAt),
        token,
        spec.badSignature ? `${nonce}-tampered` : nonce,
        norm(client.platform),
        norm(client.deviceFamily),
      ].join("|");
      const signature = crypto.sign(null, Buffer.from(payload, "utf8"), id.privateKeyPem);
      params.device = {
        id: id.deviceId,
        publicKey: id.publicKey,
        signature: b64url(signature),
        signedAt,
        nonce,
      };
    }
    ws.send(JSON.stringify({ type: "req", id: "1", method: "connect", params }));
    return;
  }
  if (msg.type === "res" && msg.id === "1") {
    out.ok = msg.ok;
    if (msg.ok) {
      out.hello = {
        protocol: msg.payload?.protocol,
        version: msg.payload?.server?.version,
        deviceToken: msg.payload?.auth?.deviceToken ? "<present>" : undefined,
      };
      // Keep the issued device token next to the identity for later device-token tests.
      if (spec.device && msg.payload?.auth?.deviceToken) {
        const id = JSON.parse(fs.readFileSync(spec.device, "utf8"));
        id.deviceToken = msg.payload.auth.deviceToken;
        fs.writeFileSync(spec.device, JSON.stringify(id, null, 2));
      }
      setTimeout(() => ws.close(1000, "done"), 200);
    } else {
      out.error = msg.error;
    }
    return;
  }
  if (msg.type === "res") out.otherRes = msg;
});
