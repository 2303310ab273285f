//! The most CPU one update can cost (run with `cargo bench --bench worst_inputs`).
//!
//! Issue 8 promises that no input a chat can send makes the handling of one update take more
//! than about 100 ms of CPU. This benchmark builds the worst inputs it knows and prints what
//! each costs:
//!
//! 1. The SLA arithmetic alone, on the worst calendars an admin can save (one working hour a
//!    week, where the clocks change, with holidays; a year of targets): milliseconds per due time;
//!    and rendering the worst canned-response bodies (they are bounded by fuel).
//! 2. The real daemon against the test suite's fake Telegram, on a fresh SQLite file (or with
//!    `TEST_DATABASE_URL`, a PostgreSQL admin URL, as for the tests): for each worst update, the process's CPU from injecting it until it is
//!    handled and everything it caused was sent. That includes the fake server and the outbox,
//!    so it is an upper bound on the handling itself.
//!
//! CPU time is the sum of the process's threads' `schedstat` (nanoseconds).

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use topicdesk::domain::sla::{parse_date, parse_week, BusinessHours, Calendar};

#[path = "support/cpu.rs"]
mod cpu;
#[allow(
    dead_code,
    unused_imports,
    reason = "the test suite's fake Telegram; the benchmark uses part of it"
)]
#[path = "../tests/daemon/fake_tg.rs"]
mod fake_tg;
#[allow(
    dead_code,
    reason = "the test suite's harness; the benchmark uses part of it"
)]
#[path = "../tests/daemon/helpers.rs"]
mod helpers;

use fake_tg::{FakeTelegram, FakeUser};
use helpers::TestApp;

const YEAR_SECS: i64 = 525_600 * 60;
/// The budget issue 8 sets for one update.
const BUDGET_MS: f64 = 100.0;

fn calendar(tz: chrono_tz::Tz, week: &str, holidays: &[&str]) -> anyhow::Result<Calendar> {
    let week = parse_week(week).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let holidays = holidays
        .iter()
        .map(|d| parse_date(d).map_err(|e| anyhow::anyhow!("{e:?}")))
        .collect::<anyhow::Result<_>>()?;
    Ok(Calendar::Business(BusinessHours { tz, week, holidays }))
}

/// The median of `runs` timings of `f`, in milliseconds (single-threaded: wall time is CPU time).
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn arithmetic() -> anyhow::Result<()> {
    println!("\nSLA arithmetic, a year of working time (median of 21 runs):");
    println!("| calendar | due in | add_working | working_secs |");
    println!("| --- | --- | --- | --- |");
    let from = Utc
        .with_ymd_and_hms(2026, 11, 29, 12, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("start"))?;
    let mut holidays: Vec<String> = Vec::new();
    let mut day =
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).ok_or_else(|| anyhow::anyhow!("d"))?;
    while holidays.len() < 366 {
        holidays.push(day.format("%Y-%m-%d").to_string());
        day += chrono::TimeDelta::days(3);
    }
    let many: Vec<&str> = holidays.iter().map(String::as_str).collect();
    // 366 holidays on the one working day: every Sunday of seven years.
    let mut sundays: Vec<String> = Vec::new();
    let mut day =
        chrono::NaiveDate::from_ymd_opt(2026, 11, 29).ok_or_else(|| anyhow::anyhow!("d"))?;
    while sundays.len() < 366 {
        sundays.push(day.format("%Y-%m-%d").to_string());
        day += chrono::TimeDelta::days(7);
    }
    let on_sundays: Vec<&str> = sundays.iter().map(String::as_str).collect();
    let cases = [
        ("1 h a week, UTC", calendar(chrono_tz::UTC, "sun 02:00-03:00", &[])?),
        (
            "1 h a week at Berlin's clock change, 3 holidays",
            calendar(
                chrono_tz::Europe::Berlin,
                "sun 02:00-03:00",
                &["2026-12-27", "2027-01-03", "2027-03-28"],
            )?,
        ),
        (
            "1 h a week at Berlin's clock change, its day a holiday 366 weeks running",
            calendar(chrono_tz::Europe::Berlin, "sun 02:00-03:00", &on_sundays)?,
        ),
        (
            "8 intervals a day, New York, 366 holidays",
            calendar(
                chrono_tz::America::New_York,
                "mon-sun 00:00-01:00, 02:00-03:00, 04:00-05:00, 06:00-07:00, 08:00-09:00, 10:00-11:00, 12:00-13:00, 14:00-15:00",
                &many,
            )?,
        ),
    ];
    for (name, cal) in cases {
        let due = cal
            .add_working(from, YEAR_SECS)
            .ok_or_else(|| anyhow::anyhow!("{name}: no due time"))?;
        let add = median_ms(21, || {
            std::hint::black_box(cal.add_working(from, YEAR_SECS));
        });
        let secs = median_ms(21, || {
            std::hint::black_box(cal.working_secs(from, due));
        });
        println!(
            "| {name} | {} years | {add:.2} ms | {secs:.2} ms |",
            (due - from).num_days() / 365
        );
        // A new ticket plans four due times (two warnings, two targets).
        anyhow::ensure!(
            4.0 * add <= BUDGET_MS,
            "{name}: four due times cost {:.0} ms",
            4.0 * add
        );
    }
    Ok(())
}

/// The worst canned responses a body can be: loops nested over a ticket's fields, each step
/// filtering or comparing the longest literal a body can hold (rendering stops at its fuel).
fn templates() -> anyhow::Result<()> {
    use topicdesk::domain::template::{render, Vars, FILTERS, MAX_BODY_CHARS};
    println!("\nTemplate rendering, the worst bodies (median of 21 runs):");
    println!("| body | render |");
    println!("| --- | --- |");
    let mut vars = Vars::sample();
    vars.fields = (0..100)
        .map(|i| (format!("k{i}"), "v".repeat(200)))
        .collect();
    let long = "x".repeat(MAX_BODY_CHARS - 200);
    let mut bodies: Vec<(String, String)> = FILTERS
        .iter()
        .map(|f| {
            let f = if f.starts_with('d') { format!("{f}('a')") } else { (*f).to_owned() };
            (
                format!("nested loops, |{f} on a long literal"),
                format!("{{% for a in fields %}}{{% for b in fields %}}{{% if '{long}'|{f} == '' %}}{{% endif %}}{{% endfor %}}{{% endfor %}}"),
            )
        })
        .collect();
    bodies.push((
        "nested loops printing every field".into(),
        "{% for a in fields %}{% for b in fields %}{{ fields[b] }}{% endfor %}{% endfor %}".into(),
    ));
    for (name, body) in bodies {
        let ms = median_ms(21, || {
            std::hint::black_box(render(&body, &vars).err());
        });
        println!("| {name} | {ms:.2} ms |");
        anyhow::ensure!(ms <= BUDGET_MS, "{name}: {ms:.0} ms");
    }
    Ok(())
}

/// Process CPU, in milliseconds, from `start` to now.
fn cpu_ms_since(start: u64) -> f64 {
    cpu::thread_ns()
        .map(|now| now.saturating_sub(start) as f64 / 1e6)
        .unwrap_or(f64::NAN)
}

/// Injects one update with `send`, waits until the daemon handled it and sent what it caused,
/// and returns the process CPU that took.
async fn measure(app: &TestApp, send: impl FnOnce(&FakeTelegram)) -> anyhow::Result<f64> {
    app.settle().await;
    let before = app.tg.last_update_id();
    let start = cpu::thread_ns()?;
    send(&app.tg);
    let id = app.tg.last_update_id();
    anyhow::ensure!(id != before, "nothing was injected");
    app.settle().await;
    Ok(cpu_ms_since(start))
}

async fn daemon() -> anyhow::Result<()> {
    println!("\nThe daemon, one update at a time (process CPU until handled and sent):");
    let app = helpers::spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer: FakeUser = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Warm-up").await;
    app.settle().await;

    let mut rows: Vec<(String, f64)> = Vec::new();
    // The worst calendar and the longest targets, set the way an admin does.
    for (what, text) in [
        ("time zone", "Europe/Berlin"),
        ("schedule", "sun 02:00-03:00"),
    ] {
        let button = if what == "time zone" {
            "Time zone"
        } else {
            "Weekly schedule"
        };
        open_prompt(&app, &owner, "Business hours", button).await?;
        let ms = measure(&app, |tg| {
            tg.private_text(&owner, text);
        })
        .await?;
        rows.push((format!("typed {what} {text:?}"), ms));
    }
    let eight = "mon-sun 00:00-01:00, 02:00-03:00, 04:00-05:00, 06:00-07:00, 08:00-09:00, 10:00-11:00, 12:00-13:00, 14:00-15:00";
    open_prompt(&app, &owner, "Business hours", "Weekly schedule").await?;
    let ms = measure(&app, |tg| {
        tg.private_text(&owner, eight);
    })
    .await?;
    rows.push(("typed schedule, 8 intervals every day".into(), ms));
    open_prompt(&app, &owner, "Business hours", "Weekly schedule").await?;
    let garbage = "mon ".repeat(1000);
    let ms = measure(&app, |tg| {
        tg.private_text(&owner, &garbage);
    })
    .await?;
    rows.push(("typed schedule, 4,000 characters of days".into(), ms));
    open_prompt(&app, &owner, "Business hours", "Weekly schedule").await?;
    measure(&app, |tg| {
        tg.private_text(&owner, "sun 02:00-03:00");
    })
    .await?;
    open_prompt(&app, &owner, "SLA policies", "✏ normal").await?;
    let ms = measure(&app, |tg| {
        tg.private_text(&owner, "525600 525600 business");
    })
    .await?;
    rows.push(("typed SLA targets of a year on business hours".into(), ms));

    let ms = measure(&app, |tg| {
        tg.create_topic(chat, &customer, "A ticket due in 168 years");
    })
    .await?;
    rows.push((
        "new topic: a ticket with year-long targets on that calendar".into(),
        ms,
    ));
    let long = "ä".repeat(4000);
    let ms = measure(&app, |tg| {
        tg.group_text(chat, Some(thread), &customer, &long);
    })
    .await?;
    rows.push(("a 4,000-character customer message".into(), ms));
    let tags: Vec<String> = (0..20).map(|i| format!("+tag-{i}")).collect();
    let ms = measure(&app, |tg| {
        tg.group_text(
            chat,
            Some(thread),
            &owner,
            &format!("/tag {}", tags.join(" ")),
        );
    })
    .await?;
    rows.push(("/tag with 20 tags (the most)".into(), ms));
    let too_many: Vec<String> = (0..1000).map(|i| format!("+t{i}")).collect();
    let ms = measure(&app, |tg| {
        tg.group_text(
            chat,
            Some(thread),
            &owner,
            &format!("/tag {}", too_many.join(" ")),
        );
    })
    .await?;
    rows.push(("/tag with 1,000 tags (refused)".into(), ms));
    let ms = measure(&app, |tg| {
        tg.group_text(
            chat,
            Some(thread),
            &owner,
            &format!("/escalate {}", "x".repeat(4000)),
        );
    })
    .await?;
    rows.push(("/escalate with a 4,000-character reason".into(), ms));
    let ms = measure(&app, |tg| {
        tg.group_text(
            chat,
            Some(thread),
            &owner,
            "/remind 9223372036854775807m1m x",
        );
    })
    .await?;
    rows.push(("/remind with an overflowing delay".into(), ms));
    open_prompt(&app, &owner, "Escalation", "➕ Rule").await?;
    let rule = format!("{} -> post", "manual ".repeat(500));
    let ms = measure(&app, |tg| {
        tg.private_text(&owner, &rule);
    })
    .await?;
    rows.push(("typed escalation rule of 4,000 characters".into(), ms));
    let ms = measure(&app, |tg| {
        tg.press_button(&owner, chat, 2, &"9".repeat(64));
    })
    .await?;
    rows.push(("64 bytes of garbage callback data".into(), ms));

    println!("| update | CPU | within {BUDGET_MS:.0} ms |");
    println!("| --- | --- | --- |");
    for (what, ms) in &rows {
        let ok = if *ms <= BUDGET_MS { "yes" } else { "NO" };
        println!("| {what} | {ms:.1} ms | {ok} |");
    }
    app.stop().await;
    let over: Vec<&str> = rows
        .iter()
        .filter(|(_, ms)| *ms > BUDGET_MS)
        .map(|(what, _)| what.as_str())
        .collect();
    anyhow::ensure!(over.is_empty(), "over the {BUDGET_MS} ms budget: {over:?}");
    Ok(())
}

/// `/settings` → `screen` → the button that opens a prompt.
async fn open_prompt(
    app: &TestApp,
    admin: &FakeUser,
    screen: &str,
    button: &str,
) -> anyhow::Result<()> {
    for label in ["__settings__", screen, button] {
        app.settle().await;
        if label == "__settings__" {
            app.tg.private_text(admin, "/settings");
            app.wait_private(admin, "Settings of").await;
            continue;
        }
        let (msg, data) = app
            .tg
            .wait_for(helpers::WAIT, label, |tg| {
                tg.bot_messages_in(admin.id, None)
                    .into_iter()
                    .rev()
                    .find_map(|m| {
                        m.buttons()
                            .into_iter()
                            .find(|(l, _)| l.contains(label))
                            .map(|(_, d)| (m.id, d))
                    })
            })
            .await;
        app.press(admin, admin.id, msg, &data).await;
    }
    app.settle().await;
    // Let the prompt arrive before the answer is typed.
    tokio::time::sleep(Duration::from_millis(50)).await;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    arithmetic()?;
    templates()?;
    daemon().await?;
    Ok(())
}
