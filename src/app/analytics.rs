//! `/stats [7d|30d|90d|YYYY-MM-DD..YYYY-MM-DD]` (SPEC §12) in the private chat: the workspace's
//! figures from [`crate::domain::analytics`]. Analytics need a Pro seat (the Owner's slot counts);
//! a Member sees the figures of their own tickets unless the Owner lets Members see all.

use super::effects::{AgentStats, Notice, SpreadView, StatsNotice, StatsPeriodProblem, StatsView};
use super::work::access::{begin, current_workspace, subject};
use super::work::{AppResult, Caller, Ctx, Origin};
use crate::domain::analytics::{self, Period, PeriodProblem, Spread};
use crate::domain::permissions::{self, Perm};
use crate::domain::sla::parse_tz;
use crate::store;

fn view(s: Spread) -> SpreadView {
    SpreadView {
        median: s.median,
        p90: s.p90,
        count: s.count,
    }
}

/// `/stats …` in the private chat.
pub async fn stats(ctx: &Ctx, origin: Origin, caller: &Caller, args: &str) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some((ws, _)) = current_workspace(&w.tx, caller.profile.id).await? else {
        w.reply(caller, Notice::NeedWorkspace).await?;
        return w.commit().await;
    };
    let Some(who) = subject(&w.tx, &ws, caller.profile.id, w.now).await? else {
        w.reply(caller, Notice::NeedWorkspace).await?;
        return w.commit().await;
    };
    let toggles = store::team::toggles_of(&ws);
    let own_only = match permissions::check(&who, Perm::ViewAllAnalytics, &toggles) {
        Ok(()) => false,
        Err(_) => match permissions::check(&who, Perm::ViewOwnAnalytics, &toggles) {
            Ok(()) => true,
            Err(denied) => {
                w.reply(caller, Notice::NotPermitted { denied }).await?;
                return w.commit().await;
            }
        },
    };
    let zone = parse_tz(&ws.time_zone).unwrap_or(chrono_tz::UTC);
    let period = match Period::parse(args, w.now, &zone) {
        Ok(p) => p,
        Err(problem) => {
            let problem = match problem {
                PeriodProblem::Unreadable => StatsPeriodProblem::Unreadable,
                PeriodProblem::Backwards => StatsPeriodProblem::Backwards,
                PeriodProblem::TooLong => StatsPeriodProblem::TooLong,
            };
            let notice = StatsNotice::Usage { problem };
            w.reply(caller, Notice::Stats(notice)).await?;
            return w.commit().await;
        }
    };
    let mine = own_only.then_some(caller.profile.id);
    let facts = store::analytics::facts(&w.tx, ws.id, period.from, period.to, mine).await?;
    let f = analytics::figures(&facts, &period, &zone);
    if f.is_empty() {
        let notice = StatsNotice::NothingYet {
            from: period.from,
            to: period.to,
            zone: ws.time_zone.clone(),
        };
        w.reply(caller, Notice::Stats(notice)).await?;
        return w.commit().await;
    }
    let names = store::export::names(&w.tx, f.agents.iter().map(|a| a.agent).collect()).await?;
    let agents = f
        .agents
        .iter()
        .map(|a| AgentStats {
            name: names
                .get(&a.agent)
                .cloned()
                .unwrap_or_else(|| a.agent.to_string()),
            tickets: a.tickets,
            first_response_median: a.first_response.map(|s| s.median),
            resolution_median: a.resolution.map(|s| s.median),
            csat_x100: a.csat.map(|c| c.average_x100),
        })
        .collect();
    let summary = StatsView {
        workspace: ws.name.clone(),
        from: period.from,
        to: period.to,
        zone: ws.time_zone.clone(),
        own_only,
        created: f.created,
        resolved: f.resolved,
        backlog: f.backlog,
        first_response: f.first_response.map(view),
        resolution: f.resolution.map(view),
        first_response_sla: (f.first_response_sla.met, f.first_response_sla.missed),
        resolution_sla: (f.resolution_sla.met, f.resolution_sla.missed),
        csat: f.csat.map(|c| (c.average_x100, c.count)),
        agents,
    };
    w.reply(
        caller,
        Notice::Stats(StatsNotice::Summary(Box::new(summary))),
    )
    .await?;
    w.commit().await
}
