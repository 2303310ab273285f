//! Routing and the queue (SPEC §5) through the fake Telegram: strategies chosen in the settings
//! menus, agents joined by invite, availability, capacity, skills from intake buttons and keyword
//! rules, pause/resume, reassignment notes, `/queue`, `/mytickets`, the unassigned alert, a
//! restart, and two tickets racing for an agent's last slot.

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use topicdesk::app::{tickets, Ctx};
use topicdesk::store::users::Profile;

use crate::fake_tg::{FakeMessage, FakeUser};
use crate::helpers::*;

// ----- driving the menus -----------------------------------------------------------------------

/// The newest bot message in `user`'s private chat with a button `pick` accepts, and that
/// button's data.
pub(crate) async fn find_button(
    app: &TestApp,
    user: &FakeUser,
    what: &str,
    pick: impl Fn(&str) -> bool,
) -> (i32, String) {
    app.tg
        .wait_for(WAIT, what, |tg| {
            tg.bot_messages_in(user.id, None)
                .into_iter()
                .rev()
                .find_map(|m| {
                    m.buttons()
                        .into_iter()
                        .find(|(label, _)| pick(label))
                        .map(|(_, data)| (m.id, data))
                })
        })
        .await
}

/// Presses the newest private button whose label contains `label`.
pub(crate) async fn tap(app: &TestApp, user: &FakeUser, label: &str) {
    let (msg, data) = find_button(app, user, &format!("a {label:?} button"), |l| {
        l.contains(label)
    })
    .await;
    let (_, alert) = app.press(user, user.id, msg, &data).await;
    assert!(!alert, "pressing {label:?} was refused");
    app.settle().await;
}

/// Presses the newest private button labelled exactly `label` (or `• label`, the current choice).
pub(crate) async fn tap_exact(app: &TestApp, user: &FakeUser, label: &str) {
    let marked = format!("• {label}");
    let (msg, data) = find_button(app, user, &format!("the {label:?} button"), |l| {
        l == label || l == marked
    })
    .await;
    app.press(user, user.id, msg, &data).await;
    app.settle().await;
}

/// `/settings` → `screen`.
pub(crate) async fn open_settings(app: &TestApp, admin: &FakeUser, screen: &str) {
    app.settle().await;
    app.tg.private_text(admin, "/settings");
    app.wait_private(admin, "Settings of").await;
    tap(app, admin, screen).await;
}

/// `/settings` → Routing → the strategy's button.
pub(crate) async fn set_strategy(app: &TestApp, admin: &FakeUser, label: &str, machine: &str) {
    open_settings(app, admin, "Routing").await;
    tap_exact(app, admin, label).await;
    let ws = app.workspace_of(admin).await;
    eventually(WAIT, "the strategy to be saved", async || {
        (workspace(app, ws).await.routing_strategy == machine).then_some(())
    })
    .await;
}

/// `/settings` → Agents & skills → the agent → Set skills… → typed answer.
pub(crate) async fn set_skills(app: &TestApp, admin: &FakeUser, agent: &FakeUser, skills: &str) {
    open_settings(app, admin, "Agents & skills").await;
    tap(app, admin, &format!("⚙ {}", agent.first_name)).await;
    tap(app, admin, "Set skills").await;
    app.wait_private(admin, "Send the skills").await;
    app.tg.private_text(admin, skills);
    let ws = app.workspace_of(admin).await;
    let want = skills.to_lowercase().replace(' ', "");
    eventually(WAIT, "the skills to be saved", async || {
        (member(app, ws, agent).await.skills == want).then_some(())
    })
    .await;
}

/// `/settings` → Agents & skills → the agent → capacity button.
pub(crate) async fn set_capacity(app: &TestApp, admin: &FakeUser, agent: &FakeUser, max: i32) {
    open_settings(app, admin, "Agents & skills").await;
    tap(app, admin, &format!("⚙ {}", agent.first_name)).await;
    tap_exact(app, admin, &max.to_string()).await;
    let ws = app.workspace_of(admin).await;
    eventually(WAIT, "the capacity to be saved", async || {
        (member(app, ws, agent).await.max_open == max).then_some(())
    })
    .await;
}

/// Sends a private command and waits for the answer containing `needle`.
pub(crate) async fn private(
    app: &TestApp,
    user: &FakeUser,
    text: &str,
    needle: &str,
) -> FakeMessage {
    app.settle().await;
    let before = app.tg.bot_messages_in(user.id, None).len();
    app.tg.private_text(user, text);
    app.tg
        .wait_for(WAIT, &format!("the answer to {text:?}"), |tg| {
            tg.bot_messages_in(user.id, None)
                .into_iter()
                .skip(before)
                .find(|m| m.text.contains(needle))
        })
        .await
}

// ----- reading the database ------------------------------------------------------------------

pub(crate) async fn workspace(app: &TestApp, id: i64) -> entity::workspaces::Model {
    entity::workspaces::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("workspace")
}

pub(crate) async fn member(app: &TestApp, ws: i64, user: &FakeUser) -> entity::members::Model {
    entity::members::Entity::find()
        .filter(entity::members::Column::WorkspaceId.eq(ws))
        .filter(entity::members::Column::UserId.eq(user.id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("member")
}

/// Waits until every ticket of these topics has an assignee; returns them in topic order.
pub(crate) async fn assignees(app: &TestApp, chat: i64, threads: &[i32]) -> Vec<i64> {
    let mut out = Vec::new();
    for t in threads {
        let ticket = app
            .wait_ticket(chat, *t, "the ticket to be assigned", |t| {
                t.assignee_id.is_some()
            })
            .await;
        out.extend(ticket.assignee_id);
    }
    out
}

fn count(ids: &[i64]) -> HashMap<i64, usize> {
    let mut m = HashMap::new();
    for id in ids {
        *m.entry(*id).or_default() += 1;
    }
    m
}

/// The ticket stays waiting: everything is handled and nobody got it.
pub(crate) async fn assert_waiting(app: &TestApp, chat: i64, thread: i32) {
    app.settle().await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(
        (t.status.as_str(), t.assignee_id),
        ("open", None),
        "ticket #{} should wait",
        t.number
    );
}

/// An Owner with a connected forum, `agents` teammates joined by invite, and the Owner away (so
/// only the invited agents take tickets). Returns (owner, forum, agents).
pub(crate) async fn team(app: &TestApp, names: &[&str]) -> (FakeUser, i64, Vec<FakeUser>) {
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, names.len() as u32, 0).await;
    let mut agents = Vec::new();
    for name in names {
        agents.push(app.invite_agent(&owner, name, false).await);
    }
    private(app, &owner, "/away", "You are away").await;
    (owner, chat, agents)
}

pub(crate) async fn resolve(app: &TestApp, agent: &FakeUser, chat: i64, thread: i32) {
    let (card, data) = app.card_button(chat, thread, "Resolve").await;
    let (_, alert) = app.press(agent, chat, card, &data).await;
    assert!(!alert, "{} could not resolve", agent.first_name);
    app.wait_ticket(chat, thread, "resolved", |t| t.status == "resolved")
        .await;
}

// ----- strategies --------------------------------------------------------------------------------

#[tokio::test]
async fn round_robin_over_nine_tickets_gives_three_agents_three_each() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob", "Cid"]).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;

    let mut threads = Vec::new();
    for i in 1..=9 {
        threads.push(
            app.open_ticket(chat, &customer, &format!("Question {i}"))
                .await,
        );
    }
    let got = assignees(&app, chat, &threads).await;
    let per = count(&got);
    for a in &agents {
        assert_eq!(per.get(&a.id), Some(&3), "{} got {per:?}", a.first_name);
    }
    assert!(!per.contains_key(&owner.id), "the away Owner got tickets");
    // Turns alternate: no agent gets two tickets in a row.
    assert!(got.windows(2).all(|w| w[0] != w[1]), "{got:?}");

    // Each assignee is told privately, with a button to the topic.
    app.settle().await;
    for a in &agents {
        let told: Vec<FakeMessage> = app
            .tg
            .bot_messages_in(a.id, None)
            .into_iter()
            .filter(|m| m.text.contains("was assigned to you by routing"))
            .collect();
        assert_eq!(told.len(), 3, "{}: {told:?}", a.first_name);
        assert!(told.iter().all(|m| m
            .url_buttons()
            .iter()
            .any(|(l, u)| l == "Open topic" && u.contains("t.me/c/"))));
    }
    // The audit says routing did it.
    let t = app.ticket(chat, threads[0]).await;
    let rows = app.audit(t.id).await;
    assert!(
        rows.iter()
            .any(|r| r.action == "ticket.assignee" && r.actor_id.is_none()),
        "{rows:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn least_loaded_sends_new_tickets_to_whoever_resolved_theirs() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob"]).await;
    let (ann, bob) = (&agents[0], &agents[1]);
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Least loaded", "least_loaded").await;

    let mut first = Vec::new();
    for i in 1..=4 {
        first.push(
            app.open_ticket(chat, &customer, &format!("Batch one {i}"))
                .await,
        );
    }
    let got = assignees(&app, chat, &first).await;
    assert_eq!(count(&got).get(&ann.id), Some(&2), "{got:?}");
    assert_eq!(count(&got).get(&bob.id), Some(&2), "{got:?}");

    for (thread, who) in first.iter().zip(&got) {
        if *who == ann.id {
            resolve(&app, ann, chat, *thread).await;
        }
    }
    let mut second = Vec::new();
    for i in 1..=2 {
        second.push(
            app.open_ticket(chat, &customer, &format!("Batch two {i}"))
                .await,
        );
    }
    let got = assignees(&app, chat, &second).await;
    assert_eq!(got, vec![ann.id, ann.id], "Ann holds none, Bob holds two");
    app.stop().await;
}

#[tokio::test]
async fn skill_routing_follows_the_customers_intake_pick_with_and_without_fallback() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob"]).await;
    let (ann, bob) = (&agents[0], &agents[1]);
    let customer = app.tg.add_user("Carl", Some("carl"));
    let stranger = app.tg.add_user("Sam", Some("sam"));
    set_strategy(&app, &owner, "By skill", "skill").await;
    set_skills(&app, &owner, ann, "Billing, Refunds").await;

    // A keyword rule on the title gives a skill without any intake question.
    open_settings(&app, &owner, "Intake categories").await;
    tap(&app, &owner, "Keyword rule").await;
    app.wait_private(&owner, "keyword = skill").await;
    app.tg.private_text(&owner, "refund = refunds");
    app.wait_private(&owner, "“refund” → refunds").await;
    let refund = app.open_ticket(chat, &customer, "Refund for order 7").await;
    assert_eq!(assignees(&app, chat, &[refund]).await, vec![ann.id]);
    assert_eq!(
        app.ticket(chat, refund).await.skill.as_deref(),
        Some("refunds")
    );

    // Categories, typed into prompts; a bad one is refused with the expected form.
    tap(&app, &owner, "➕ Category").await;
    app.wait_private(&owner, "name; skill; priority").await;
    app.tg.private_text(&owner, "Billing; billing; sometimes");
    app.wait_private(&owner, "is not a priority").await;
    tap(&app, &owner, "➕ Category").await;
    app.tg.private_text(&owner, "Billing; billing; high");
    app.wait_private(&owner, "Billing — skill: billing").await;
    tap(&app, &owner, "➕ Category").await;
    app.tg.private_text(&owner, "Hardware; hardware");
    app.wait_private(&owner, "Hardware — skill: hardware").await;

    // A new topic asks the customer; routing waits for the pick.
    let billing = app.open_ticket(chat, &customer, "Invoice is wrong").await;
    let question = app
        .wait_bot_message(chat, Some(billing), "What is your request about?")
        .await;
    assert_waiting(&app, chat, billing).await;
    let pick = |label: &str| {
        question
            .buttons()
            .into_iter()
            .find(|(l, _)| l == label)
            .map(|(_, d)| d)
            .expect("category button")
    };
    let (text, alert) = app
        .press(&stranger, chat, question.id, &pick("Billing"))
        .await;
    assert!(alert, "only the customer picks: {text:?}");
    assert_waiting(&app, chat, billing).await;
    app.press(&customer, chat, question.id, &pick("Billing"))
        .await;
    let t = app
        .wait_ticket(chat, billing, "routed to the billing agent", |t| {
            t.assignee_id.is_some()
        })
        .await;
    assert_eq!(
        (t.assignee_id, t.skill.as_deref(), t.priority.as_str()),
        (Some(ann.id), Some("billing"), "high")
    );

    // Nobody has "hardware": with fallback (the default) anyone eligible takes it.
    let hw = app.open_ticket(chat, &customer, "Broken screen").await;
    let q = app
        .wait_bot_message(chat, Some(hw), "What is your request about?")
        .await;
    let data = q
        .buttons()
        .into_iter()
        .find(|(l, _)| l == "Hardware")
        .map(|(_, d)| d)
        .expect("Hardware");
    app.press(&customer, chat, q.id, &data).await;
    assert_eq!(assignees(&app, chat, &[hw]).await, vec![bob.id]);

    // Without fallback it waits.
    open_settings(&app, &owner, "Routing").await;
    tap(&app, &owner, "Skill fallback: turn off").await;
    let hw2 = app.open_ticket(chat, &customer, "Broken keyboard").await;
    let q = app
        .wait_bot_message(chat, Some(hw2), "What is your request about?")
        .await;
    let data = q
        .buttons()
        .into_iter()
        .find(|(l, _)| l == "Hardware")
        .map(|(_, d)| d)
        .expect("Hardware");
    app.press(&customer, chat, q.id, &data).await;
    app.wait_ticket(chat, hw2, "the pick recorded", |t| {
        t.skill.as_deref() == Some("hardware")
    })
    .await;
    assert_waiting(&app, chat, hw2).await;
    // Giving Bob the skill doesn't move it by itself... it does: a skill change is routing input.
    set_skills(&app, &owner, bob, "hardware").await;
    assert_eq!(assignees(&app, chat, &[hw2]).await, vec![bob.id]);

    // A customer who never picks is routed without a skill after the intake timeout (5 min).
    let silent = app.open_ticket(chat, &customer, "Hello?").await;
    app.wait_bot_message(chat, Some(silent), "What is your request about?")
        .await;
    assert_waiting(&app, chat, silent).await;
    app.clock.advance(chrono::Duration::minutes(6));
    let got = assignees(&app, chat, &[silent]).await;
    assert!(got[0] == ann.id || got[0] == bob.id, "{got:?}");

    // Every settings change is audited.
    let ws = app.workspace_of(&owner).await;
    let actions: Vec<String> = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::WorkspaceId.eq(ws))
        .all(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .map(|r| r.action)
        .collect();
    for want in [
        "settings.routing_strategy",
        "member.skills",
        "settings.keyword_rule_added",
        "settings.category_added",
        "settings.skill_fallback",
        "ticket.category",
    ] {
        assert!(actions.iter().any(|a| a == want), "{want} in {actions:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_full_agent_waits_for_a_resolve_and_away_agents_are_skipped() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob"]).await;
    let (ann, bob) = (&agents[0], &agents[1]);
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;
    set_capacity(&app, &owner, ann, 1).await;
    private(&app, bob, "/away", "You are away").await;

    let first = app.open_ticket(chat, &customer, "First").await;
    assert_eq!(assignees(&app, chat, &[first]).await, vec![ann.id]);
    // Ann is full and Bob is away: the next ticket waits.
    let second = app.open_ticket(chat, &customer, "Second").await;
    assert_waiting(&app, chat, second).await;
    // Ann resolves: her slot frees and the waiting ticket is hers at once.
    resolve(&app, ann, chat, first).await;
    assert_eq!(assignees(&app, chat, &[second]).await, vec![ann.id]);
    // Another one waits until Bob is back.
    let third = app.open_ticket(chat, &customer, "Third").await;
    assert_waiting(&app, chat, third).await;
    private(&app, bob, "/available", "You are available").await;
    assert_eq!(assignees(&app, chat, &[third]).await, vec![bob.id]);
    app.stop().await;
}

#[tokio::test]
async fn paused_distribution_holds_tickets_and_resuming_assigns_urgent_first() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;
    set_capacity(&app, &owner, &owner, 1).await;
    open_settings(&app, &owner, "Routing").await;
    tap(&app, &owner, "Pause distribution").await;

    let older = app.open_ticket(chat, &customer, "Older, normal").await;
    let urgent = app.open_ticket(chat, &customer, "Newer, urgent").await;
    let (card, menu) = app.card_button(chat, urgent, "Priority").await;
    app.press(&owner, chat, card, &menu).await;
    let (card, data) = app.card_button(chat, urgent, "urgent").await;
    app.press(&owner, chat, card, &data).await;
    app.wait_ticket(chat, urgent, "urgent", |t| t.priority == "urgent")
        .await;
    assert_waiting(&app, chat, older).await;
    assert_waiting(&app, chat, urgent).await;

    tap(&app, &owner, "Resume distribution").await;
    // One slot: the urgent ticket goes first although it is newer.
    assert_eq!(assignees(&app, chat, &[urgent]).await, vec![owner.id]);
    assert_waiting(&app, chat, older).await;
    let ws = app.workspace_of(&owner).await;
    assert!(!workspace(&app, ws).await.routing_paused);
    app.stop().await;
}

#[tokio::test]
async fn a_restart_keeps_the_rotation() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob", "Cid"]).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;
    let one = app.open_ticket(chat, &customer, "One").await;
    let two = app.open_ticket(chat, &customer, "Two").await;
    let before = assignees(&app, chat, &[one, two]).await;
    app.settle().await;

    let (tg, database) = app.stop().await;
    let app = spawn_app_with(tg, database).await;
    let three = app.open_ticket(chat, &customer, "Three").await;
    let after = assignees(&app, chat, &[three]).await;
    let third = agents
        .iter()
        .find(|a| !before.contains(&a.id))
        .expect("an agent without a ticket");
    assert_eq!(after, vec![third.id], "rotation went on where it stopped");
    app.stop().await;
}

// ----- people ------------------------------------------------------------------------------------

#[tokio::test]
async fn reassignment_keeps_the_note_tells_the_new_assignee_and_lists_agents_with_load() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob"]).await;
    let (ann, bob) = (&agents[0], &agents[1]);
    let staff = app.staff_chat(&owner, "Acme Staff").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Needs German").await;

    let (card, claim) = app.card_button(chat, thread, "Claim").await;
    app.press(ann, chat, card, &claim).await;
    app.wait_bot_message(staff, None, "→ Ann (@ann) (claimed)")
        .await;

    app.tg.group_text(
        chat,
        Some(thread),
        ann,
        "/assign @bob Customer writes in German",
    );
    let told = app
        .wait_private(bob, "was assigned to you by Ann (@ann)")
        .await;
    assert!(
        told.text.contains("Note: Customer writes in German"),
        "{}",
        told.text
    );
    app.wait_bot_message(staff, None, "→ Bob (@bob) by Ann (@ann)")
        .await;
    let t = app.ticket(chat, thread).await;
    let audit = app.audit(t.id).await;
    assert!(
        audit.iter().any(|r| r.action == "ticket.assignee"
            && r.new_value.as_deref() == Some(&bob.id.to_string())
            && r.note.as_deref() == Some("Customer writes in German")),
        "{audit:?}"
    );

    // The card's Assign… button lists the agents who may work tickets, with their load, to
    // the presser privately: loads are for staff, the topic is read by the customer.
    let (card, menu) = app.card_button(chat, thread, "Assign").await;
    let (toast, _) = app.press(&owner, chat, card, &menu).await;
    assert!(
        toast.unwrap_or_default().contains("private chat"),
        "the presser is told where the list went"
    );
    let picker = app.wait_private(&owner, "Give ticket #1 to").await;
    let labels: Vec<String> = picker.buttons().into_iter().map(|(l, _)| l).collect();
    assert!(
        labels.iter().any(|l| l.contains("Bob (@bob) · 1/10")),
        "{labels:?}"
    );
    let card_now = app.card(chat, thread).await;
    assert!(
        card_now
            .buttons()
            .iter()
            .all(|(l, _)| !l.contains("Bob") && !l.contains("/10")),
        "no agent list on the card: {:?}",
        card_now.buttons()
    );
    // Picking from the private list assigns the ticket.
    let pick = labels
        .iter()
        .position(|l| l.contains("Ann (@ann)"))
        .expect("Ann listed");
    let data = picker.buttons()[pick].1.clone();
    app.press(&owner, owner.id, picker.id, &data).await;
    app.card_shows(chat, thread, "Assignee: Ann").await;
    assert!(
        labels.iter().any(|l| l.contains("Ann (@ann) · 0/10")),
        "{labels:?}"
    );
    assert!(
        labels
            .iter()
            .any(|l| l.contains("Olga") && l.contains("💤")),
        "{labels:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn queue_and_mytickets_show_the_work_with_claim_buttons() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann"]).await;
    let ann = &agents[0];
    let customer = app.tg.add_user("Carl", Some("carl"));
    let mine = app.open_ticket(chat, &customer, "Mine").await;
    let (card, claim) = app.card_button(chat, mine, "Claim").await;
    app.press(ann, chat, card, &claim).await;
    app.wait_ticket(chat, mine, "claimed", |t| t.assignee_id == Some(ann.id))
        .await;
    let waiting = app.open_ticket(chat, &customer, "Nobody's yet").await;

    let queue = private(&app, ann, "/queue", "Queue of Acme").await;
    assert!(
        queue.text.contains("Open tickets: 2 · unassigned: 1"),
        "{}",
        queue.text
    );
    assert!(queue.text.contains("Nobody's yet"), "{}", queue.text);
    assert!(
        queue.text.contains("Ann") && queue.text.contains("1/10"),
        "{}",
        queue.text
    );
    let number = app.ticket(chat, waiting).await.number;
    let data = queue
        .buttons()
        .into_iter()
        .find(|(l, _)| l == &format!("🙋 Claim #{number}"))
        .map(|(_, d)| d)
        .expect("claim button");
    app.press(ann, ann.id, queue.id, &data).await;
    app.wait_ticket(chat, waiting, "claimed from /queue", |t| {
        t.assignee_id == Some(ann.id)
    })
    .await;

    let list = private(&app, ann, "/mytickets", "Your tickets in Acme").await;
    assert!(
        list.text.contains("Mine") && list.text.contains("Nobody's yet"),
        "{}",
        list.text
    );
    assert!(list
        .url_buttons()
        .iter()
        .all(|(_, u)| u.contains("t.me/c/")));
    assert_eq!(list.url_buttons().len(), 2);

    // A Member can't change routing, even with a forged button.
    let forged = topicdesk::telegram::callback::CallbackData::Routing(
        topicdesk::telegram::callback::RoutingButton::RoutingStrategy {
            strategy: topicdesk::domain::routing::Strategy::RoundRobin,
        },
    )
    .encode();
    let (_, alert) = app.press(ann, ann.id, list.id, &forged).await;
    assert!(alert, "a Member changed routing");
    let ws = app.workspace_of(&owner).await;
    assert_eq!(workspace(&app, ws).await.routing_strategy, "manual");

    // A customer can't see the queue.
    let stranger = app.tg.add_user("Sam", Some("sam"));
    private(&app, &stranger, "/queue", "not in a workspace").await;
    app.stop().await;
}

#[tokio::test]
async fn a_ticket_unassigned_too_long_is_announced_in_the_staff_chat_once() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let staff = app.staff_chat(&owner, "Acme Staff").await;
    open_settings(&app, &owner, "Routing").await;
    tap(&app, &owner, "⏰ 15m").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Anyone?").await;
    let claimed = app.open_ticket(chat, &customer, "Taken quickly").await;
    let (card, claim) = app.card_button(chat, claimed, "Claim").await;
    app.press(&owner, chat, card, &claim).await;
    app.settle().await;

    app.clock.advance(chrono::Duration::minutes(16));
    app.wait_bot_message(staff, None, "has waited over 15 min")
        .await;
    app.clock.advance(chrono::Duration::minutes(60));
    app.settle().await;
    let alerts: Vec<FakeMessage> = app
        .tg
        .bot_messages_in(staff, None)
        .into_iter()
        .filter(|m| m.text.contains("has waited over"))
        .collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let number = app.ticket(chat, thread).await.number;
    assert!(
        alerts[0].text.contains(&format!("#{number}")),
        "{}",
        alerts[0].text
    );
    app.stop().await;
}

// ----- concurrency ---------------------------------------------------------------------------

/// Two topics created at the same moment, handled by two independent connections (as two
/// replicas would), race for the only agent's last slot: exactly one gets it.
#[tokio::test]
async fn two_tickets_arriving_together_never_both_take_the_last_slot() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    set_strategy(&app, &owner, "Least loaded", "least_loaded").await;
    set_capacity(&app, &owner, &owner, 1).await;
    app.settle().await;

    let replica = || async {
        let db = topicdesk::store::connect(&app.database.url)
            .await
            .expect("replica connection");
        Ctx {
            db,
            clock: Arc::new(app.clock.clone()),
            wake: Default::default(),
            metrics: Default::default(),
        }
    };
    let (a, b) = (replica().await, replica().await);
    let carl = app.tg.add_user("Carl", Some("carl"));
    let customer = Profile {
        id: carl.id,
        first_name: carl.first_name.clone(),
        last_name: None,
        username: carl.username.clone(),
    };
    for round in 0..3 {
        // Topics exist in Telegram, but the daemon hears of them only through the two replicas.
        let ta = app.tg.create_topic_silently(chat, &carl, "Race");
        let tb = app.tg.create_topic_silently(chat, &carl, "Race");
        let create = |ctx: &Ctx, thread: i32| {
            let ctx = ctx.clone();
            let customer = customer.clone();
            async move {
                // A replica whose transaction lost a race retries, as the inbox does.
                for _ in 0..20 {
                    let res = tickets::topic_created(
                        &ctx,
                        topicdesk::app::Origin::Internal,
                        chat,
                        thread,
                        "Race",
                        &customer,
                    )
                    .await;
                    if res.is_ok() {
                        return;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                panic!("topic {thread} was never created");
            }
        };
        tokio::join!(create(&a, ta), create(&b, tb));
        let held: Vec<entity::tickets::Model> = entity::tickets::Entity::find()
            .filter(entity::tickets::Column::AssigneeId.eq(owner.id))
            .filter(entity::tickets::Column::Status.is_in(["assigned", "in_progress", "pending"]))
            .all(&app.db)
            .await
            .expect("query");
        assert_eq!(held.len(), 1, "round {round}: {held:?}");
        // Free the slot through the daemon: the other ticket takes it at once.
        let held = &held[0];
        resolve(&app, &owner, chat, held.thread_id).await;
        // The other one takes the freed slot.
        let other = if held.thread_id == ta { tb } else { ta };
        app.wait_ticket(chat, other, "the waiting one takes the freed slot", |t| {
            t.assignee_id == Some(owner.id)
        })
        .await;
        resolve(&app, &owner, chat, other).await;
    }
    let numbers: Vec<i64> = app.tickets().await.iter().map(|t| t.number).collect();
    assert_eq!(numbers, (1..=6).collect::<Vec<_>>(), "gapless numbers");
    app.stop().await;
}

#[tokio::test]
async fn a_group_override_and_a_newly_filled_seat_are_routing_input() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let vip = app.connected_forum(&owner, "VIP Desk").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;
    // The VIP group is handled by hand: its override is Manual.
    tap(&app, &owner, "VIP Desk: → Manual").await;
    let group = entity::support_groups::Entity::find_by_id(vip)
        .one(&app.db)
        .await
        .expect("query")
        .expect("group");
    assert_eq!(group.routing_strategy.as_deref(), Some("manual"));

    let by_hand = app.open_ticket(vip, &customer, "VIP question").await;
    let routed = app.open_ticket(chat, &customer, "Normal question").await;
    assert_eq!(assignees(&app, chat, &[routed]).await, vec![owner.id]);
    assert_waiting(&app, vip, by_hand).await;

    // With the Owner away, a ticket waits until a new teammate fills a seat.
    private(&app, &owner, "/away", "You are away").await;
    let next = app.open_ticket(chat, &customer, "Who takes this?").await;
    assert_waiting(&app, chat, next).await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let ann = app.invite_agent(&owner, "Ann", false).await;
    assert_eq!(assignees(&app, chat, &[next]).await, vec![ann.id]);
    assert_waiting(&app, vip, by_hand).await;
    app.stop().await;
}
