//! Button presses and payments: callback queries answered, invoices sent, pre-checkout queries
//! and successful payments.

use teloxide::prelude::*;
use teloxide::types::{LabeledPrice, MessageKind, PreCheckoutQueryId, UpdateKind};
use teloxide::{ApiError, RequestError};

use super::{drain, forum_setup, kb, thread};
use crate::fake_tg::FakeTelegram;

#[tokio::test]
async fn callback_query_roundtrip() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let carol = tg.add_user("Carol", Some("carol"));
    tg.start_bot(&carol);
    let sent = bot
        .send_message(ChatId(carol.id), "Rate us")
        .reply_markup(kb(&[&[("👍", "rate:5"), ("👎", "rate:1")]]))
        .await
        .expect("send");
    let qid = tg.press_button_text(&carol, carol.id, sent.id.0, "👍");
    let updates = drain(&bot).await;
    assert_eq!(updates.len(), 1);
    let UpdateKind::CallbackQuery(q) = &updates[0].kind else {
        panic!("expected callback_query, got {:?}", updates[0].kind);
    };
    assert_eq!(q.id.0, qid);
    assert_eq!(q.data.as_deref(), Some("rate:5"));
    assert_eq!(q.from.id.0, carol.id as u64);
    let msg = q.regular_message().expect("accessible message");
    assert_eq!(msg.id, sent.id);
    assert_eq!(msg.text(), Some("Rate us"));
    assert!(msg.reply_markup().is_some());
    assert!(!q.chat_instance.is_empty());

    assert_eq!(tg.callback_answer(&qid), None);
    bot.answer_callback_query(q.id.clone())
        .text("Thanks!")
        .show_alert(true)
        .await
        .expect("answer");
    assert_eq!(
        tg.callback_answer(&qid),
        Some((Some("Thanks!".to_owned()), true))
    );
    let err = bot
        .answer_callback_query(q.id.clone())
        .await
        .expect_err("second answer");
    assert!(matches!(err, RequestError::Api(ApiError::InvalidQueryId)));

    // A button on a deleted message (here: its topic was deleted) yields an inaccessible message.
    let (tg, bot, chat, alice) = forum_setup().await;
    let t = tg.create_topic(chat, &alice, "Doomed");
    let sent = bot
        .send_message(ChatId(chat), "Rate us")
        .message_thread_id(thread(t))
        .reply_markup(kb(&[&[("👍", "rate:5")]]))
        .await
        .expect("send");
    tg.delete_topic_silently(chat, t);
    assert!(tg.message(chat, sent.id.0).is_some_and(|m| m.deleted));
    tg.press_button(&alice, chat, sent.id.0, "rate:5");
    let updates = drain(&bot).await;
    let Some(UpdateKind::CallbackQuery(q)) = updates.last().map(|u| &u.kind) else {
        panic!("expected callback_query: {updates:?}");
    };
    assert!(q.regular_message().is_none());
    assert_eq!(q.message.as_ref().map(|m| m.id()), Some(sent.id));
}

#[tokio::test]
async fn invoices_and_payments() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let hank = tg.add_user("Hank", None);
    tg.start_bot(&hank);
    let inv = bot
        .send_invoice(
            ChatId(hank.id),
            "Priority support",
            "One month",
            "sub:1",
            "XTR",
            [LabeledPrice::new("Month", 250)],
        )
        .await
        .expect("sendInvoice");
    let invoice = inv.invoice().expect("invoice");
    assert_eq!(invoice.total_amount, 250);
    assert_eq!(invoice.currency, "XTR");

    let qid = tg.pre_checkout(&hank, "XTR", 250, "sub:1");
    let paid = tg.successful_payment(&hank, "XTR", 250, "sub:1");
    let updates = drain(&bot).await;
    assert_eq!(updates.len(), 2);
    let UpdateKind::PreCheckoutQuery(q) = &updates[0].kind else {
        panic!("expected pre_checkout_query, got {:?}", updates[0].kind);
    };
    assert_eq!(q.invoice_payload, "sub:1");
    assert_eq!(q.total_amount, 250);
    let UpdateKind::Message(m) = &updates[1].kind else {
        panic!("expected message");
    };
    assert_eq!(m.id.0, paid);
    assert!(matches!(m.kind, MessageKind::SuccessfulPayment(_)));
    assert_eq!(
        m.successful_payment().map(|p| p.invoice_payload.as_str()),
        Some("sub:1")
    );

    bot.answer_pre_checkout_query(PreCheckoutQueryId(qid.clone()), true)
        .await
        .expect("answer");
    assert_eq!(tg.pre_checkout_answer(&qid), Some((true, None)));
}
