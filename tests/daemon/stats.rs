//! `/stats` (SPEC §12): the figures of a seeded set of tickets, the Pro-seat rule, Members
//! limited to their own tickets, the "nothing yet" answer and a refused period.

use chrono::Duration;

use crate::helpers::*;
use crate::routing::{private, resolve};
use crate::team::join;

#[tokio::test]
async fn stats_sum_up_what_happened_for_those_allowed() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    private(&app, &owner, "/stats", "Nothing yet").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 1).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));

    // #1: answered by Olga after 10 minutes, resolved 2 hours after it was opened.
    let first = app.open_ticket(chat, &customer, "Cannot log in").await;
    // #2: waiting.
    let second = app.open_ticket(chat, &customer, "Invoice copy").await;
    app.settle().await;
    app.clock.advance(Duration::minutes(10));
    app.tg
        .group_text(chat, Some(first), &owner, "Looking into it now");
    app.wait_ticket(chat, first, "answered", |t| t.first_response_at.is_some())
        .await;
    app.clock.advance(Duration::minutes(110));
    resolve(&app, &owner, chat, first).await;
    app.settle().await;

    let stats = private(&app, &owner, "/stats 7d", "Stats of Acme").await;
    for line in [
        "Created: 2 · Resolved: 1 · Waiting now: 1",
        "First response: median 10 min, p90 10 min (1 answered)",
        "Resolution: median 2 h, p90 2 h (1 resolved)",
        "• Olga (@olga): 1 · 10 min · 2 h · —",
    ] {
        assert!(
            stats.text.contains(line),
            "{line:?} missing from {}",
            stats.text
        );
    }
    assert!(
        !stats.text.contains("Looking into it"),
        "no message body in figures"
    );

    // A Basic seat gets no analytics; a Pro Member sees only their own tickets.
    let bea = join(&app, &owner, "Bea", false).await;
    let refused = private(&app, &bea, "/stats", "Pro").await;
    assert!(!refused.text.contains("Created"), "{}", refused.text);
    let pia = join(&app, &owner, "Pia", true).await;
    private(&app, &pia, "/stats", "Nothing yet").await;
    app.tg
        .group_text(chat, Some(second), &owner, "/assign @pia");
    app.wait_ticket(chat, second, "assigned to Pia", |t| {
        t.assignee_id == Some(pia.id)
    })
    .await;
    let own = private(&app, &pia, "/stats", "Stats of Acme").await;
    assert!(own.text.contains("Your tickets only"), "{}", own.text);
    assert!(
        own.text
            .contains("Created: 1 · Resolved: 0 · Waiting now: 1"),
        "{}",
        own.text
    );
    assert!(!own.text.contains("Olga"), "{}", own.text);

    let usage = private(&app, &owner, "/stats 2026-12-01..2026-11-01", "ends before").await;
    assert!(usage.text.contains("/stats 7d"));
    private(&app, &owner, "/stats yesterday", "not one I know").await;
    app.stop().await;
}
