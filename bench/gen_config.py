#!/usr/bin/env python3
"""Writes a realistic JSON5 OpenClaw config of about N lines (default 10,000): the seed's
broken gateway block plus many agents, channels and comments, so the benchmark parses,
checks and patches a file of that size."""
import sys

lines_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
out = [
    "// Large generated OpenClaw config for openclaw-doctor's benchmark",
    "{",
    "  gateway: {",
    '    mode: "local",',
    "    port: 18789,",
    '    bind: "local", // broken on purpose',
    '    auth: { mode: "token", token: "bench-token-0123456789abcdef" },',
    '    remote: { url: "https://claw.example.org" },',
    "  },",
    "  agents: {",
    "    list: [",
]
i = 0
while len(out) < lines_wanted - 4:
    out += [
        "      {",
        f'        id: "agent-{i}", // agent number {i}',
        f"        name: 'Agent {i}',",
        '        model: "anthropic/claude-sonnet-4-5",',
        f"        maxTokens: 0x{i % 4096 + 256:x},",
        "        tools: { allow: ['read', 'write', \"exec\"], deny: [], },",
        "      },",
    ]
    i += 1
out += ["    ],", "  },", "}", ""]
sys.stdout.write("\n".join(out))
