//! Times the process scan: `host_scan [RUNS]` scans /proc RUNS times (default 200) and prints
//! the median, then what the last scan found. Used by bench/procscan.sh. For comparison it
//! also times the floor on this kernel: opening, reading and closing every `/proc/N/comm`.

use openclaw_doctor::host::HostRoot;
use openclaw_doctor::host::procfs::scan;
use openclaw_doctor::host::users::Users;
use std::io::Write;
use std::time::{Duration, Instant};

/// A closed stdout (`| head -1`) ends the output quietly.
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {
        let _ = writeln!($out, $($arg)*);
    };
}

fn main() {
    let mut out = std::io::stdout().lock();
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200)
        .max(1);
    let root = HostRoot::real();
    let users = Users::read(&root);
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let s = scan(&root, &users);
        times.push(start.elapsed());
        last = Some(s);
    }
    times.sort_unstable();
    let Some(s) = last else { return };
    say!(
        out,
        "processes {}  runs {runs}  median {:.3} ms  min {:.3} ms  max {:.3} ms",
        s.processes,
        times[runs / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[runs - 1].as_secs_f64() * 1e3,
    );
    let mut floor: Vec<Duration> = (0..runs).map(|_| comm_floor()).collect();
    floor.sort_unstable();
    say!(
        out,
        "floor (open+read+close of every /proc/N/comm, nothing else): median {:.3} ms",
        floor[runs / 2].as_secs_f64() * 1e3
    );
    for p in &s.gateways {
        say!(
            out,
            "gateway pid {} uid {} {:?} listening {:?} unit {:?} argv {:?}",
            p.pid,
            p.uid,
            p.kind,
            p.listening,
            p.unit,
            p.argv
        );
    }
    for d in &s.docker_proxies {
        say!(
            out,
            "docker-proxy pid {} {} -> {}",
            d.pid,
            d.host,
            d.container
        );
    }
    for u in &s.unreadable {
        say!(
            out,
            "unreadable pid {} uid {}: {}",
            u.pid,
            u.uid,
            u.reason()
        );
    }
}

fn comm_floor() -> Duration {
    use std::io::Read;
    let start = Instant::now();
    let mut buf = [0u8; 64];
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let mut path = entry.path();
        path.push("comm");
        if let Ok(mut f) = std::fs::File::open(&path) {
            let _ = f.read(&mut buf);
        }
    }
    start.elapsed()
}
