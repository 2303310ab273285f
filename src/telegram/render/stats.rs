//! `/stats`: the figures as a short text summary.

use chrono::{DateTime, Duration, Utc};

use super::common::{esc, span, t};
use super::Rendered;
use crate::app::effects::{SpreadView, StatsNotice, StatsPeriodProblem, StatsView};

/// The period as the workspace reads it: `30 Oct – 29 Nov 2026 (Europe/Berlin)`.
fn period(from: DateTime<Utc>, to: DateTime<Utc>, zone: &str) -> String {
    let tz = crate::domain::sla::parse_tz(zone).unwrap_or(chrono_tz::UTC);
    let first = from.with_timezone(&tz).format("%-d %b");
    let last = (to - Duration::seconds(1))
        .with_timezone(&tz)
        .format("%-d %b %Y");
    format!("{first} – {last} ({})", esc(zone))
}

fn spread(what: &str, s: &Option<SpreadView>, counted: &str) -> String {
    match s {
        Some(s) => format!(
            "{what}: median <b>{}</b>, p90 {} ({} {counted})",
            span(s.median),
            span(s.p90),
            s.count
        ),
        None => format!("{what}: —"),
    }
}

fn compliance(what: &str, (met, missed): (usize, usize)) -> String {
    let all = met + missed;
    if all == 0 {
        return format!("{what} —");
    }
    format!("{what} <b>{} %</b> ({met} of {all})", met * 100 / all)
}

fn csat(x100: i64) -> String {
    format!("{}.{:02}", x100 / 100, x100 % 100)
}

fn summary(v: &StatsView) -> String {
    let mut out = format!(
        "📊 <b>Stats of {}</b>, {}",
        esc(&v.workspace),
        period(v.from, v.to, &v.zone)
    );
    if v.own_only {
        out.push_str("\n<i>Your tickets only: the Owner lets Members see their own figures.</i>");
    }
    out.push_str(&format!(
        "\n\nCreated: <b>{}</b> · Resolved: <b>{}</b> · Waiting now: <b>{}</b>",
        v.created, v.resolved, v.backlog
    ));
    out.push_str(&format!(
        "\n{}\n{}",
        spread("First response", &v.first_response, "answered"),
        spread("Resolution", &v.resolution, "resolved")
    ));
    out.push_str(&format!(
        "\nSLA met: {} · {}",
        compliance("first response", v.first_response_sla),
        compliance("resolution", v.resolution_sla)
    ));
    match v.csat {
        Some((x100, n)) => out.push_str(&format!("\nCSAT: <b>{}</b> ({n} ratings)", csat(x100))),
        None => out.push_str("\nCSAT: no ratings"),
    }
    if !v.agents.is_empty() {
        out.push_str("\n\n<b>By agent</b> (tickets · first response · resolution · CSAT)");
        for a in &v.agents {
            let opt = |s: Option<i64>| s.map(span).unwrap_or_else(|| "—".into());
            out.push_str(&format!(
                "\n• {}: {} · {} · {} · {}",
                esc(&a.name),
                a.tickets,
                opt(a.first_response_median),
                opt(a.resolution_median),
                a.csat_x100.map(csat).unwrap_or_else(|| "—".into())
            ));
        }
    }
    out
}

pub(super) fn stats_notice(n: &StatsNotice) -> Rendered {
    match n {
        StatsNotice::Summary(v) => t(summary(v)),
        StatsNotice::NothingYet { from, to, zone } => t(format!(
            "📊 Nothing yet for {}: no ticket was created or resolved then, and none is waiting.",
            period(*from, *to, zone)
        )),
        StatsNotice::Usage { problem } => {
            let why = match problem {
                StatsPeriodProblem::Unreadable => "That period is not one I know.",
                StatsPeriodProblem::Backwards => "That period ends before it starts.",
                StatsPeriodProblem::TooLong => "A period is at most a year.",
            };
            t(format!(
                "{why} Use <code>/stats</code> (the last 30 days), <code>/stats 7d</code>, \
                 <code>/stats 90d</code> or <code>/stats 2026-11-01..2026-11-30</code>."
            ))
        }
    }
}
