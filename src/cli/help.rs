//! The long help texts: environment, exit codes, and every check id.

pub(super) const AFTER_HELP: &str = "\
Environment:
  OPENCLAW_CONFIG_PATH   the config file (like --config)
  OPENCLAW_STATE_DIR     the state dir; its openclaw.json is the config (like --state-dir)
  OPENCLAW_PROFILE       profile NAME: state dir ~/.openclaw-NAME (like --profile)
  OPENCLAW_HOME          replaces $HOME when looking for ~/.openclaw
  OPENCLAW_GATEWAY_URL, OPENCLAW_GATEWAY_PORT, OPENCLAW_GATEWAY_TOKEN, OPENCLAW_GATEWAY_PASSWORD
                         read as OpenClaw reads them
  OPENCLAW_DOCTOR_HOST_ROOT  read /proc, /etc/passwd and systemd units under this directory
                         instead of / (a host laid out for tests)
  OPENCLAW_DOCTOR_CONTAINER  yes|no: judge the config as in a container or not (default:
                         detected as OpenClaw does; in a container the default bind is auto)
  NO_COLOR, CLICOLOR_FORCE  colour with --color auto

Exit codes:
  0  nothing at or above --fail-on (fix: nothing to change, or all fixed)
  1  findings at or above --fail-on (fix without --apply: changes pending)
  2  could not run: bad arguments; a named file (config, log, proxy config, token, CA) missing,
     unreadable, not a regular file or unparsable; a write refused or rolled back

Run `openclaw-doctor check --help` for the list of checks.";

pub(super) const CHECK_HELP: &str = "\
Checks (stable ids; severity as reported):
  config.not_found               error    no config file where OpenClaw looks for one
  config.legacy_location         warning  config under a former name (~/.clawdbot, moltbot.json…)
  config.legacy_env              warning  CLAWDBOT_* variables, ignored since 2026.3.22
  config.toml_not_loaded         info     a TOML config: OpenClaw itself loads only JSON5
  config.duplicate_key           warning  a key defined twice (the last wins, as in OpenClaw)
  config.type_error              error    a checked key has the wrong type (bind: 123)
  config.legacy_key              error    gateway.token: rejected since 2026.9; use gateway.auth.token
  schema.unknown_key             error    a key the schema does not allow (fix renames clear typos)
  schema.type                    error    a value of the wrong type anywhere in the config
  schema.value                   error    a value outside the allowed ones (enum, const)
  schema.range                   error    outside a minimum or maximum (value, length, items)
  schema.missing                 error    a key the schema requires is absent
  schema.invalid                 error    any other violation (union, pattern, format)
  schema.rule                    error    a rule of OpenClaw's validator beyond its schema
  gateway.mode.invalid           error    gateway.mode is not local or remote
  gateway.bind.invalid           error    bind is not loopback|lan|tailnet|auto|custom (\"local\")
  gateway.bind.custom_host       error    bind custom without an IPv4 customBindHost
  gateway.bind.exposed           info     bind lan listens on every interface
  gateway.auth.missing           error    non-loopback bind without token/password: no start
  startup.future_version         error    written by a newer OpenClaw: it refuses to start
  startup.mode_missing           error    gateway.mode unset: the gateway refuses to start
  startup.mode_not_local         warning  gateway.mode remote: no gateway starts from this config
  startup.password_missing       error    auth mode password without a password: no start
  startup.auth_ambiguous         error    token and password set, auth.mode unset: no start
  startup.secrets_unavailable    error    an env SecretRef or ${VAR} secret that is unset
  startup.secret_sentinel        error    the secret is a redaction marker (***, REDACTED…)
  startup.secret_weak            error    the secret is blank, undefined/null or a placeholder
  startup.bind_unavailable       error    customBindHost is not an address of this host
  startup.trusted_proxy          error    trusted-proxy auth without trustedProxy/Proxies
  startup.tailscale              error    serve/funnel without tailscale, funnel w/o password
  startup.hooks                  error    hooks on without hooks.token, or bad session keys
  startup.workspace              error    an agent workspace that is a file: migration refused
  startup.tls                    error    tls.enabled, cert/key missing or unloadable: no start
  gateway.remote_url.missing     error    mode remote without gateway.remote.url
  gateway.remote_url.scheme      error    http(s):// or non-ws(s) URL: clients refuse it
  gateway.remote_url.via_proxy   error    gateway runs here but clients go through the proxy
  gateway.remote_url.port        error    loopback URL on another port than the gateway's
  gateway.remote_url.plaintext   warning  ws:// to a public host: token sent in clear text
  probe.local                    error    the gateway does not answer hello-ok where bind listens
  probe.external                 error    the external URL fails (no more specific diagnosis)
  probe.proxy_upgrade            error    proxy answers the upgrade without 101: add Upgrade headers
  probe.proxy_attribution        error    403 proxy_attribution_required: set trustedProxies
  probe.proxy_upstream           error    proxy 502/504 while the gateway is fine: fix proxy_pass
  probe.proxy_redirect           error    proxy redirects the WebSocket (an SSO portal)
  probe.tls                      error    TLS fails: unknown issuer, expired, name mismatch…
  probe.pairing_required         warning  pairing needed through the proxy / for a sub-agent
  probe.insecure                 warning  --insecure: certificates not verified
  devices.pending_repair         warning  a paired device's repair request waits for approval
  devices.pending_new            info     new devices wait for pairing (never auto-approved)
  devices.unavailable            info     the device list could not be read (CLI missing/failing)
  host.port_override             warning  the gateway listens on another port than clients dial
  host.bind_mismatch             warning  it listens elsewhere than gateway.bind says (--bind, stale)
  host.container_loopback        error    in a container on its loopback only, behind docker-proxy
  host.env_ignored               warning  a variable OpenClaw does not read (OPENCLAW_GATEWAY_BIND…)
  host.token_env                 warning  OPENCLAW_GATEWAY_TOKEN differs from the config's token
  host.env_file_missing          error    a unit's EnvironmentFile= is missing: no start
  host.port_conflict             error    another gateway of this host uses the same port
  host.other_gateways            info     more gateways on this host (check --all)
  host.restart_pending           info     the config changed after the gateway started
  log.pairing_required           warning  the gateway log shows 1008 pairing-required closes
  log.scope_upgrade              info     the gateway log shows scope-upgrade (repair) requests
  log.proxy_attribution          warning  the gateway log shows unattributable proxy traffic
  log.token_mismatch             warning  the gateway log shows wrong-token connections
  log.startup_refused            error    the log shows a start-up refusal, quoted (info if restarted)
  log.config_invalid             info     the log shows OpenClaw calling the config invalid
  log.restart_loop               error    the log shows the restart-loop breaker tripped
  log.metadata_upgrade           info     the log shows device metadata re-approval requests
  log.proxy_headers_untrusted    warning  proxy headers from an untrusted address (before 2026.8)
  log.host_header_not_local      warning  loopback connections with a non-local Host header
  log.device_token_mismatch      warning  the log shows stale device tokens refused
  log.auth_refused               warning  other refused credentials, by reason (token_missing…)
  log.rate_limited               warning  clients locked out after failed logins
  log.origin_not_allowed         warning  connections refused: origin not allowed (origins listed)
  log.control_ui_insecure        warning  the Control UI refused outside HTTPS/localhost
  log.device_identity_required   info     clients with neither device identity nor secret
  log.device_auth_invalid        warning  invalid device signature, nonce or key
  log.protocol_mismatch          warning  clients speaking another protocol version
  log.handshake_timeout          info     WebSockets that never sent connect (as measured)
  log.invalid_handshake          info     first frames that are not an OpenClaw connect
  log.auth_token_generated       warning  started without a token: the gateway generated one
  log.throttled                  info     control-plane writes or hook auth throttled
  proxy.upstream                 error    nginx proxy_pass goes where the gateway does not listen
  proxy.http_version             error    no proxy_http_version 1.1: no WebSocket upgrade
  proxy.upgrade_headers          error    no proxy_set_header Upgrade / Connection \"upgrade\"
  proxy.forwarded_for            warning  X-Forwarded-For appended, or no gateway.trustedProxies
  proxy.read_timeout             warning  proxy_read_timeout under 60 s cuts idle connections
  proxy.sso                      warning  auth_request / SSOwat in front of the WebSocket
  proxy.trusted_all              error    trustedProxies trusts every client (0.0.0.0/0): 403
  proxy.trusted_ipv6_loopback    error    proxy dials [::1]/localhost, ::1 not trusted: 403
  proxy.real_ip_only             error    X-Real-IP without X-Forwarded-For or allowRealIpFallback

Probe outcomes (JSON probes[].outcome): hello_ok, dns_error, unreachable, timeout, tls_error,
redirected, upgrade_not_performed, proxy_attribution_required, http_error, not_openclaw,
auth_failed, pairing_required, device_identity_required, protocol_mismatch, gateway_starting,
closed, token_withheld, probe_failed.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 could not run.";
