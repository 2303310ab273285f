//! The fake's waiting helpers, and the description a timed-out wait panics with.

use std::time::Duration;

use teloxide::prelude::*;

use super::T;
use crate::fake_tg::FakeTelegram;

#[tokio::test]
async fn wait_helpers() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let ivy = tg.add_user("Ivy", None);
    tg.start_bot(&ivy);
    let bot2 = bot.clone();
    let id = ivy.id;
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = bot2.send_message(ChatId(id), "delayed").await;
    });
    let msg = tg
        .wait_for(T, "the delayed message", |tg| tg.last_bot_message_to(id))
        .await;
    assert_eq!(msg.text, "delayed");
    tg.wait_until(T, "one sendMessage", |tg| {
        tg.request_count("sendMessage") == 1
    })
    .await;
}

#[tokio::test]
#[should_panic(expected = "waiting for: something that never happens")]
async fn wait_until_panics_with_description() {
    let tg = FakeTelegram::start().await;
    tg.wait_until(
        Duration::from_millis(60),
        "something that never happens",
        |_| false,
    )
    .await;
}
