//! The figures of `/stats` (SPEC §12), from ticket metadata only (never a message body): volume,
//! first-response and resolution times (median and p90), SLA compliance per target, CSAT, the
//! backlog, a per-agent table, daily volume and an hour-of-week heatmap in the workspace's time
//! zone. Pure: the caller loads the facts and says what "now" and the zone are, so the REST API's
//! metrics endpoints can compute the same figures.
//!
//! Conventions, so hand-computed expectations agree: the median of an even count is the mean of
//! the two middle values; p90 is the nearest rank (the value at position ⌈0.9·n⌉ of the sorted
//! list). Times are wall-clock seconds from creation. A ticket counts toward a target's
//! compliance once its outcome is known: met when it was answered (resolved) without the breach
//! having fired, missed when the breach fired; still-open tickets within their target count
//! nowhere yet.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};

/// What the figures read of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub assignee: Option<i64>,
    pub csat: Option<i16>,
    /// Its priority has a first-response target (resolution target) in the workspace's policy.
    pub first_target: bool,
    pub resolution_target: bool,
    pub first_breached: bool,
    pub resolution_breached: bool,
    /// Not resolved or closed now.
    pub open: bool,
}

/// The period `/stats` covers: `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// Why a period was not understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodProblem {
    /// Neither `7d`/`30d`/`90d` nor `YYYY-MM-DD..YYYY-MM-DD`.
    Unreadable,
    /// The end is before the start.
    Backwards,
    /// More than a year.
    TooLong,
}

/// The longest period one `/stats` covers.
pub const MAX_DAYS: i64 = 366;

impl Period {
    /// `7d`, `30d` (also the default, empty), `90d`, or `YYYY-MM-DD..YYYY-MM-DD` (both days
    /// included, in the workspace's zone).
    pub fn parse<Z: TimeZone>(
        s: &str,
        now: DateTime<Utc>,
        zone: &Z,
    ) -> Result<Period, PeriodProblem> {
        let s = s.trim().to_ascii_lowercase();
        let days = match s.as_str() {
            "" | "30d" => Some(30),
            "7d" => Some(7),
            "90d" => Some(90),
            _ => None,
        };
        if let Some(d) = days {
            // Up to and including this very second: what happened just now counts.
            return Ok(Period {
                from: now - Duration::days(d),
                to: now + Duration::seconds(1),
            });
        }
        let (a, b) = s.split_once("..").ok_or(PeriodProblem::Unreadable)?;
        let day = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
        let (Some(a), Some(b)) = (day(a), day(b)) else {
            return Err(PeriodProblem::Unreadable);
        };
        if b < a {
            return Err(PeriodProblem::Backwards);
        }
        if (b - a).num_days() + 1 > MAX_DAYS {
            return Err(PeriodProblem::TooLong);
        }
        let start = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0).and_then(|t| {
                zone.from_local_datetime(&t)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            })
        };
        let end = b.succ_opt().ok_or(PeriodProblem::Unreadable)?;
        match (start(a), start(end)) {
            (Some(from), Some(to)) => Ok(Period { from, to }),
            _ => Err(PeriodProblem::Unreadable),
        }
    }

    fn holds(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }
}

/// Median and p90 of a set of durations, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    pub median: i64,
    pub p90: i64,
    pub count: usize,
}

/// The median (mean of the middle two for an even count, rounded down) and the nearest-rank p90;
/// `None` for no values.
pub fn spread(mut values: Vec<i64>) -> Option<Spread> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]).div_euclid(2)
    };
    let rank = (n * 9).div_ceil(10).max(1);
    Some(Spread {
        median,
        p90: values[rank - 1],
        count: n,
    })
}

/// How many met a target and how many missed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Compliance {
    pub met: usize,
    pub missed: usize,
}

impl Compliance {
    /// Percent met, rounded down; `None` when nothing is known yet.
    pub fn percent(&self) -> Option<u32> {
        let all = self.met + self.missed;
        (all > 0).then(|| (self.met * 100 / all) as u32)
    }
}

/// CSAT average (in hundredths: 4.5 is 450) and how many rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Csat {
    pub average_x100: i64,
    pub count: usize,
}

fn csat(scores: impl Iterator<Item = i16>) -> Option<Csat> {
    let scores: Vec<i64> = scores.map(i64::from).collect();
    (!scores.is_empty()).then(|| Csat {
        average_x100: scores.iter().sum::<i64>() * 100 / scores.len() as i64,
        count: scores.len(),
    })
}

/// One agent's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRow {
    pub agent: i64,
    /// Tickets created in the period now assigned to them.
    pub tickets: usize,
    pub first_response: Option<Spread>,
    pub resolution: Option<Spread>,
    pub csat: Option<Csat>,
}

/// Everything `/stats` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub created: usize,
    pub resolved: usize,
    /// Over tickets created in the period that were answered.
    pub first_response: Option<Spread>,
    /// Over tickets resolved in the period.
    pub resolution: Option<Spread>,
    pub first_response_sla: Compliance,
    pub resolution_sla: Compliance,
    /// Over tickets resolved in the period that were rated.
    pub csat: Option<Csat>,
    /// Tickets not resolved or closed, now (whatever the period).
    pub backlog: usize,
    /// By agent id.
    pub agents: Vec<AgentRow>,
    /// Per local day of the period: (day, created, resolved).
    pub daily: Vec<(NaiveDate, usize, usize)>,
    /// Tickets created, by local weekday (Monday first) and hour.
    pub heatmap: [[usize; 24]; 7],
}

impl Figures {
    /// Nothing happened in the period and nothing waits.
    pub fn is_empty(&self) -> bool {
        self.created == 0 && self.resolved == 0 && self.backlog == 0
    }
}

fn secs(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_seconds().max(0)
}

/// The days a period covers in `zone`, at most [`MAX_DAYS`].
fn days_of<Z: TimeZone>(p: &Period, zone: &Z) -> Vec<NaiveDate> {
    let first = p.from.with_timezone(zone).date_naive();
    let last = (p.to - Duration::seconds(1))
        .with_timezone(zone)
        .date_naive();
    let mut out = Vec::new();
    let mut d = first;
    while d <= last && out.len() < MAX_DAYS as usize + 1 {
        out.push(d);
        match d.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}

/// The figures of `facts` over `period`, days and hours read in `zone`.
pub fn figures<Z: TimeZone>(facts: &[TicketFacts], period: &Period, zone: &Z) -> Figures {
    let created: Vec<&TicketFacts> = facts
        .iter()
        .filter(|t| period.holds(t.created_at))
        .collect();
    let resolved: Vec<&TicketFacts> = facts
        .iter()
        .filter(|t| t.resolved_at.is_some_and(|r| period.holds(r)))
        .collect();
    let frt = |ts: &[&TicketFacts]| {
        spread(
            ts.iter()
                .filter_map(|t| t.first_response_at.map(|f| secs(t.created_at, f)))
                .collect(),
        )
    };
    let resolution = |ts: &[&TicketFacts]| {
        spread(
            ts.iter()
                .filter_map(|t| t.resolved_at.map(|r| secs(t.created_at, r)))
                .collect(),
        )
    };
    let mut first_response_sla = Compliance::default();
    for t in created.iter().filter(|t| t.first_target) {
        if t.first_breached {
            first_response_sla.missed += 1;
        } else if t.first_response_at.is_some() {
            first_response_sla.met += 1;
        }
    }
    let mut resolution_sla = Compliance::default();
    for t in facts.iter().filter(|t| t.resolution_target) {
        let in_period = t.resolved_at.is_some_and(|r| period.holds(r))
            || (t.resolved_at.is_none() && t.resolution_breached && period.holds(t.created_at));
        if !in_period {
            continue;
        }
        if t.resolution_breached {
            resolution_sla.missed += 1;
        } else {
            resolution_sla.met += 1;
        }
    }
    let mut by_agent: BTreeMap<i64, (Vec<&TicketFacts>, Vec<&TicketFacts>)> = BTreeMap::new();
    for t in &created {
        if let Some(a) = t.assignee {
            by_agent.entry(a).or_default().0.push(t);
        }
    }
    for t in &resolved {
        if let Some(a) = t.assignee {
            by_agent.entry(a).or_default().1.push(t);
        }
    }
    let agents = by_agent
        .into_iter()
        .map(|(agent, (mine, done))| AgentRow {
            agent,
            tickets: mine.len(),
            first_response: frt(&mine),
            resolution: resolution(&done),
            csat: csat(done.iter().filter_map(|t| t.csat)),
        })
        .collect();
    let days = days_of(period, zone);
    let mut daily: Vec<(NaiveDate, usize, usize)> = days.iter().map(|d| (*d, 0, 0)).collect();
    let index: BTreeMap<NaiveDate, usize> = days.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let mut heatmap = [[0usize; 24]; 7];
    for t in &created {
        let local = t.created_at.with_timezone(zone);
        if let Some(i) = index.get(&local.date_naive()) {
            daily[*i].1 += 1;
        }
        let wd = local.weekday().num_days_from_monday() as usize;
        heatmap[wd][local.hour() as usize] += 1;
    }
    for t in &resolved {
        if let Some(r) = t.resolved_at {
            if let Some(i) = index.get(&r.with_timezone(zone).date_naive()) {
                daily[*i].2 += 1;
            }
        }
    }
    Figures {
        created: created.len(),
        resolved: resolved.len(),
        first_response: frt(&created),
        resolution: resolution(&resolved),
        first_response_sla,
        resolution_sla,
        csat: csat(resolved.iter().filter_map(|t| t.csat)),
        backlog: facts.iter().filter(|t| t.open).count(),
        agents,
        daily,
        heatmap,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Berlin;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0)
            .single()
            .expect("a time")
    }

    fn ticket(created: DateTime<Utc>) -> TicketFacts {
        TicketFacts {
            created_at: created,
            first_response_at: None,
            resolved_at: None,
            assignee: None,
            csat: None,
            first_target: false,
            resolution_target: false,
            first_breached: false,
            resolution_breached: false,
            open: true,
        }
    }

    #[test]
    fn medians_and_p90_by_hand() {
        assert_eq!(spread(vec![]), None);
        let s = spread(vec![30]).expect("one");
        assert_eq!((s.median, s.p90, s.count), (30, 30, 1));
        // Sorted 10 20 30 40: median (20+30)/2 = 25; p90 rank ⌈3.6⌉ = 4 → 40.
        let s = spread(vec![40, 10, 30, 20]).expect("four");
        assert_eq!((s.median, s.p90), (25, 40));
        // 1..=10: median 5 (5.5 rounded down); p90 rank 9 → 9.
        let s = spread((1..=10).collect()).expect("ten");
        assert_eq!((s.median, s.p90), (5, 9));
        // 1..=11: median 6; p90 rank ⌈9.9⌉ = 10 → 10.
        let s = spread((1..=11).collect()).expect("eleven");
        assert_eq!((s.median, s.p90), (6, 10));
    }

    #[test]
    fn periods_parse_in_the_workspace_zone() {
        let now = at(29, 12, 0);
        let p = Period::parse("7d", now, &Berlin).expect("7d");
        assert_eq!((p.from, p.to), (at(22, 12, 0), now + Duration::seconds(1)));
        assert_eq!(
            Period::parse("", now, &Berlin).expect("default").from,
            now - Duration::days(30)
        );
        // Berlin is UTC+1 in November: the 1st starts at 23:00 UTC the day before.
        let p = Period::parse("2026-11-01..2026-11-02", now, &Berlin).expect("range");
        assert_eq!(
            p.from,
            Utc.with_ymd_and_hms(2026, 10, 31, 23, 0, 0)
                .single()
                .expect("t")
        );
        assert_eq!(p.to, at(2, 23, 0));
        assert_eq!(
            Period::parse("2026-11-02..2026-11-01", now, &Berlin),
            Err(PeriodProblem::Backwards)
        );
        assert_eq!(
            Period::parse("2025-01-01..2026-11-01", now, &Berlin),
            Err(PeriodProblem::TooLong)
        );
        assert_eq!(
            Period::parse("last week", now, &Berlin),
            Err(PeriodProblem::Unreadable)
        );
    }

    #[test]
    fn figures_by_hand() {
        let period = Period {
            from: at(2, 0, 0),
            to: at(4, 0, 0),
        };
        // A: created 2nd 08:00 UTC (09:00 Berlin, Monday), answered after 10 min, resolved after
        // 2 h, agent 1, CSAT 5, both targets met.
        let mut a = ticket(at(2, 8, 0));
        a.first_response_at = Some(at(2, 8, 10));
        a.resolved_at = Some(at(2, 10, 0));
        a.assignee = Some(1);
        a.csat = Some(5);
        a.first_target = true;
        a.resolution_target = true;
        a.open = false;
        // B: created 2nd 23:30 UTC (3rd 00:30 Berlin, Tuesday), answered after 30 min but the
        // first-response breach fired, resolved on the 3rd after 4 h, agent 1, CSAT 2.
        let mut b = ticket(at(2, 23, 30));
        b.first_response_at = Some(at(3, 0, 0));
        b.resolved_at = Some(at(3, 3, 30));
        b.assignee = Some(1);
        b.csat = Some(2);
        b.first_target = true;
        b.resolution_target = true;
        b.first_breached = true;
        b.open = false;
        // C: created the 3rd 12:00, unanswered, within target; agent 2; open.
        let mut c = ticket(at(3, 12, 0));
        c.assignee = Some(2);
        c.first_target = true;
        // D: created before the period, resolved in it after 50 h, resolution breached, no agent.
        let mut d = ticket(at(1, 6, 0));
        d.resolved_at = Some(at(3, 8, 0));
        d.resolution_target = true;
        d.resolution_breached = true;
        d.open = false;
        // E: outside the period entirely, still open (backlog).
        let e = ticket(at(1, 1, 0));
        let f = figures(&[a, b, c, d, e], &period, &Berlin);
        assert_eq!((f.created, f.resolved, f.backlog), (3, 3, 2));
        // FRT over A (600 s) and B (1800 s): median 1200, p90 rank 2 → 1800.
        let frt = f.first_response.expect("frt");
        assert_eq!((frt.median, frt.p90, frt.count), (1200, 1800, 2));
        // Resolution over A 7200, B 14400, D 180000: median 14400, p90 rank 3 → 180000.
        let res = f.resolution.expect("resolution");
        assert_eq!((res.median, res.p90), (14400, 180000));
        // First response: A met, B missed, C not known yet → 50 %.
        assert_eq!(f.first_response_sla, Compliance { met: 1, missed: 1 });
        assert_eq!(f.first_response_sla.percent(), Some(50));
        // Resolution: A and B met, D missed → 66 %.
        assert_eq!(f.resolution_sla, Compliance { met: 2, missed: 1 });
        assert_eq!(f.resolution_sla.percent(), Some(66));
        // CSAT over A (5) and B (2): 3.50.
        assert_eq!(
            f.csat,
            Some(Csat {
                average_x100: 350,
                count: 2
            })
        );
        // Agents: 1 has A and B; 2 has C.
        assert_eq!(f.agents.len(), 2);
        assert_eq!((f.agents[0].agent, f.agents[0].tickets), (1, 2));
        assert_eq!(f.agents[0].resolution.map(|s| s.median), Some(10800));
        assert_eq!(f.agents[0].csat.map(|c| c.average_x100), Some(350));
        assert_eq!((f.agents[1].agent, f.agents[1].tickets), (2, 1));
        assert_eq!(f.agents[1].first_response, None);
        // Days in Berlin: the 2nd 01:00 .. the 4th 01:00 local → the 2nd, 3rd and 4th.
        let days: Vec<(u32, usize, usize)> =
            f.daily.iter().map(|(d, c, r)| (d.day(), *c, *r)).collect();
        assert_eq!(days, [(2, 1, 1), (3, 2, 2), (4, 0, 0)]);
        // Heatmap: A Monday 09 h, B Tuesday 00 h, C Tuesday 13 h (local).
        assert_eq!(f.heatmap[0][9], 1);
        assert_eq!(f.heatmap[1][0], 1);
        assert_eq!(f.heatmap[1][13], 1);
        assert_eq!(f.heatmap.iter().flatten().sum::<usize>(), 3);
        assert!(!f.is_empty());
        assert!(figures(&[], &period, &Berlin).is_empty());
    }
}
