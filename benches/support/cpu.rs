//! Process CPU time for the benchmarks, read from `/proc` (the workspace forbids `unsafe`, which
//! rules out `getrusage` through `libc`).

use anyhow::Context;

/// Nanoseconds on CPU summed over the process's live threads (`/proc/self/task/*/schedstat`).
pub fn thread_ns() -> anyhow::Result<u64> {
    let mut total = 0u64;
    for entry in std::fs::read_dir("/proc/self/task")? {
        // A thread that exited between the listing and the read counts for nothing.
        let Ok(s) = std::fs::read_to_string(entry?.path().join("schedstat")) else {
            continue;
        };
        total += s
            .split_whitespace()
            .next()
            .context("empty schedstat")?
            .parse::<u64>()?;
    }
    Ok(total)
}

/// utime + stime in clock ticks (`/proc/self/stat`), a coarse cross-check of [`thread_ns`].
#[allow(dead_code, reason = "not every benchmark cross-checks")]
pub fn stat_ticks() -> anyhow::Result<u64> {
    let s = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the parenthesised command name start at field 3 (state); utime and stime
    // are fields 14 and 15.
    let rest = s.rsplit_once(')').context("malformed /proc/self/stat")?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = f.get(11).context("no utime")?.parse()?;
    let stime: u64 = f.get(12).context("no stime")?.parse()?;
    Ok(utime + stime)
}
