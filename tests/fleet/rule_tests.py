#!/usr/bin/env python3
"""Writes the `promtool test rules` file for contrib/prometheus/openclaw-doctor.rules.yml from
the textfiles openclaw-doctor wrote for the fleet test's hosts (scripts/test-fleet.sh).

    rule_tests.py SNAPSHOT_DIR RULES_FILE OUT_FILE

SNAPSHOT_DIR holds <name>.prom: healthy (a real gateway, clean), broken (the blog's config
written while the gateway ran: local probe up, external down, errors), broken-down (the same
host after its gateway was stopped and refused to start again on that config) and
broken-repair (the broken host's run with a device list holding a repair request).

Each sample becomes a series as Prometheus stores it after scraping node_exporter: the
doctor's labels plus instance="<host>:9100", job="node", its value held for 30 minutes. The
one value rewritten is openclaw_doctor_last_run_timestamp_seconds, which is wall-clock time:
in the tests' clock (0 = start) the healthy host's doctor runs every 5 minutes, the broken
one ran once at 0 and never again. Each alert gets a case where it fires on the broken host's
series (exactly the expected alerts: labels and annotations) with the healthy host beside it,
and one with the healthy host alone where it stays silent.
"""
import re
import sys
from pathlib import Path

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')
MINUTES = 30


def parse(path):
    """[(name, {label: value}, float)] of a text exposition file."""
    out = []
    for line in Path(path).read_text().splitlines():
        if not line or line.startswith('#'):
            continue
        m = SAMPLE.match(line)
        assert m, f'{path}: unparsable sample: {line!r}'
        labels, rest = {}, m.group(2) or ''
        while rest:
            lm = LABEL.match(rest)
            assert lm, f'{path}: unparsable labels: {rest!r}'
            labels[lm.group(1)] = lm.group(2).replace('\\"', '"').replace('\\n', '\n').replace('\\\\', '\\')
            rest = rest[lm.end():]
        out.append((m.group(1), labels, float(m.group(3))))
    return out


def q(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def selector(name, labels):
    inner = ','.join(f'{k}="' + v.replace('\\', '\\\\').replace('"', '\\"') + '"' for k, v in sorted(labels.items()))
    return f'{name}{{{inner}}}'


def series(samples, host, last_run):
    """input_series entries for one host; last_run: the values of the timestamp metric."""
    out = []
    for name, labels, value in samples:
        labels = dict(labels, instance=f'{host}:9100', job='node')
        values = last_run if name == 'openclaw_doctor_last_run_timestamp_seconds' else f'{value:g}x{MINUTES}'
        out.append(f'      - series: {q(selector(name, labels))}\n        values: {q(values)}')
    return out


def every_5m():
    # The doctor ran at 0, 5m, 10m, …: the textfile's timestamp at each minute.
    return ' '.join(str((m // 5) * 300) for m in range(MINUTES + 1))


def alert(labels, summary, runbook, description):
    lines = ['          - exp_labels:']
    lines += [f'              {k}: {q(v)}' for k, v in sorted(labels.items())]
    lines += ['            exp_annotations:',
              f'              summary: {q(summary)}',
              f'              description: {q(description)}',
              f'              runbook: {q(runbook)}']
    return lines


def case(title, inputs, name, eval_time, alerts):
    # `name` is what promtool prints for a failing case.
    out = [f'  - name: {q(title)}', '    interval: 1m', '    input_series:'] + inputs
    out += ['    alert_rule_test:', f'      - eval_time: {eval_time}', f'        alertname: {name}']
    out += ['        exp_alerts:'] + alerts if alerts else ['        exp_alerts: []']
    return out


def main():
    snap, rules, out_file = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    healthy = parse(snap / 'healthy.prom')
    broken = parse(snap / 'broken.prom')
    down = parse(snap / 'broken-down.prom')
    repair = parse(snap / 'broken-repair.prom')

    def value(samples, name, **want):
        hits = [v for n, l, v in samples if n == name and all(l.get(k) == x for k, x in want.items())]
        assert len(hits) == 1, f'{name}{want}: {len(hits)} samples'
        return hits[0]

    def one(samples, name, **want):
        hits = [l for n, l, v in samples if n == name and all(l.get(k) == x for k, x in want.items())]
        assert len(hits) == 1, f'{name}{want}: {len(hits)} samples'
        return hits[0]

    # What the doctor wrote, before any rule is involved (a wrong snapshot fails here).
    assert not [l for n, l, v in healthy if n == 'openclaw_doctor_check' and v == 1], 'healthy has a failing check'
    assert value(healthy, 'openclaw_doctor_probe_up', target='local') == 1
    for ids in ('gateway.bind.invalid', 'gateway.remote_url.scheme'):
        assert value(broken, 'openclaw_doctor_check', id=ids) == 1, ids
    assert value(broken, 'openclaw_doctor_probe_up', target='local') == 1
    assert value(broken, 'openclaw_doctor_probe_up', target='external') == 0
    assert value(down, 'openclaw_doctor_check', id='probe.local') == 1
    assert value(repair, 'openclaw_doctor_check', id='devices.pending_repair') == 1

    ok = series(healthy, 'healthy', every_5m())
    ran_once = '0x%d' % MINUTES
    doc = ['# Generated by tests/fleet/rule_tests.py from the doctor\'s textfiles; do not edit.',
           f'rule_files:\n  - {q(rules)}', 'evaluation_interval: 1m', 'tests:']

    # 1. The local probe.
    l = one(down, 'openclaw_doctor_check', id='probe.local')
    h = 'broken:9100'
    doc += case('the local probe fails on the broken host (its gateway refused the config on restart)',
                series(down, 'broken', ran_once) + ok, 'OpenClawGatewayLocalProbeFailing', '10m',
                alert(dict(l, instance=h, job='node', severity='critical'),
                      f'OpenClaw gateway {l["gateway"]} on {h} fails its local probe (check probe.local)',
                      'openclaw-doctor explain probe.local',
                      f'openclaw-doctor could not complete a handshake with the gateway on its loopback address. Run `openclaw-doctor check` on {h}.'))
    # 2. The external path, while the local one works.
    e = one(broken, 'openclaw_doctor_probe_up', target='external')
    doc += case('the external path is broken while the local one works (the broken host, gateway running)',
                series(broken, 'broken', ran_once) + ok, 'OpenClawExternalPathBroken', '10m',
                alert(dict(e, instance=h, job='node', severity='critical'),
                      f'OpenClaw gateway {e["gateway"]} on {h}: external path {e["url"]} broken while the local one works (check probe.external)',
                      'openclaw-doctor explain probe.external',
                      f'The gateway answers on loopback, but not through {e["url"]}; the probe\'s outcome is in openclaw_doctor_probe_outcome.'))
    doc += case('…and not once the local one fails too (that is the local probe\'s alert)',
                series(down, 'broken', ran_once) + ok, 'OpenClawExternalPathBroken', '10m', [])
    # 3. A repair request, pending for 5 minutes (not yet at 4).
    r = one(repair, 'openclaw_doctor_check', id='devices.pending_repair')
    rep = dict(r, instance=h, job='node', severity='warning')
    doc += case('a repair request pending on the broken host: not yet after 4 minutes',
                series(repair, 'broken', ran_once) + ok, 'OpenClawRepairRequestPending', '4m', [])
    doc += case('a repair request pending on the broken host for 5 minutes',
                series(repair, 'broken', ran_once) + ok, 'OpenClawRepairRequestPending', '6m',
                alert(rep,
                      f'OpenClaw gateway {r["gateway"]} on {h} has had a repair request pending for 5 minutes (check devices.pending_repair)',
                      'openclaw-doctor explain devices.pending_repair',
                      f'Approve it: `openclaw-doctor fix --approve-repairs` on {h}.'))
    # 4. The doctor stopped running on the broken host (ran at 0, never again).
    doc += case('the doctor has not run on the broken host since 0: not yet at 10m',
                series(broken, 'broken', ran_once) + ok, 'OpenClawDoctorNotRunning', '10m', [])
    doc += case('the doctor has not run on the broken host for 15 minutes',
                series(broken, 'broken', ran_once) + ok, 'OpenClawDoctorNotRunning', '15m',
                alert({'instance': h, 'job': 'node', 'severity': 'warning'},
                      f'openclaw-doctor has not run on {h} for 15m 0s (timer period 5m; no check id: the doctor itself)',
                      'systemctl status openclaw-doctor.timer openclaw-doctor.service',
                      f'Look at `systemctl status openclaw-doctor.timer openclaw-doctor.service` on {h}.'))
    # 5. Every error finding of the broken host, one alert each.
    errs = [l for n, l, v in broken if n == 'openclaw_doctor_check' and l['severity'] == 'error' and v == 1]
    alerts = []
    for l in sorted(errs, key=lambda l: l['id']):
        alerts += alert(dict(l, instance=h, job='node', severity='warning'),
                        f'OpenClaw gateway {l["gateway"]} on {h}: check {l["id"]} fails',
                        f'openclaw-doctor explain {l["id"]}',
                        f'Run `openclaw-doctor check` on {h} for the evidence and the fix.')
    doc += case(f'every error finding of the broken host ({", ".join(sorted(l["id"] for l in errs))})',
                series(broken, 'broken', ran_once) + ok, 'OpenClawDoctorErrorFinding', '10m', alerts)
    # The healthy host alone: every alert stays silent, at every time tested above.
    for name in ('OpenClawGatewayLocalProbeFailing', 'OpenClawExternalPathBroken',
                 'OpenClawRepairRequestPending', 'OpenClawDoctorNotRunning', 'OpenClawDoctorErrorFinding'):
        doc += case(f'{name} stays silent on the healthy host', ok, name, '30m', [])
    Path(out_file).write_text('\n'.join(doc) + '\n')
    print(f'rule_tests.py: {out_file}: {sum(1 for l in doc if l.startswith("  - name: "))} cases, '
          f'{len(errs)} error findings on the broken host')


main()
