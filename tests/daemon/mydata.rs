//! `/mydata` (SPEC §11): a person's file holds their own rows, in every workspace, and no one
//! else's.

use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn mydata_holds_the_persons_rows_and_no_one_elses() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let dan = app.tg.add_user("Dan", Some("dan"));
    let mine = app.open_ticket(chat, &carl, "Order 123 is late").await;
    let theirs = app.open_ticket(chat, &dan, "Dan's own question").await;
    app.tg
        .group_text(chat, Some(mine), &carl, "Where is my parcel?");
    app.tg
        .group_text(chat, Some(theirs), &dan, "Dan's private detail");
    app.tg
        .group_text(chat, Some(mine), &owner, "/note Carl sounds upset");
    app.wait_private(&owner, "Internal comment saved").await;
    app.settle().await;

    app.tg.private_text(&carl, "/mydata");
    let file = app
        .tg
        .wait_for(WAIT, "Carl's file", |tg| {
            tg.bot_messages_in(carl.id, None)
                .into_iter()
                .find(|m| m.upload.is_some())
        })
        .await;
    let (name, content) = file.upload.clone().expect("a file");
    assert!(
        name.starts_with("mydata-") && name.ends_with(".json"),
        "{name}"
    );
    let data: Value = serde_json::from_str(&content).expect("JSON");
    assert_eq!(data["profile"]["telegram_id"], carl.id);
    assert_eq!(data["profile"]["username"], "carl");
    assert_eq!(data["tickets_opened"][0]["subject"], "Order 123 is late");
    assert_eq!(data["tickets_opened"].as_array().map(Vec::len), Some(1));
    let bodies: Vec<&str> = data["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["body"].as_str())
        .collect();
    assert!(bodies.contains(&"Where is my parcel?"), "{bodies:?}");
    for other in ["Dan", "Carl sounds upset", "Olga"] {
        assert!(
            !content.contains(other),
            "{other} in Carl's file: {content}"
        );
    }

    // The agent's file holds their membership and the comment they wrote.
    app.tg.private_text(&owner, "/mydata");
    let file = app
        .tg
        .wait_for(WAIT, "Olga's file", |tg| {
            tg.bot_messages_in(owner.id, None)
                .into_iter()
                .find(|m| m.upload.is_some())
        })
        .await;
    let data: Value = serde_json::from_str(&file.upload.expect("file").1).expect("JSON");
    assert_eq!(data["memberships"][0]["workspace"], "Acme");
    assert_eq!(data["memberships"][0]["role"], "owner");
    assert_eq!(data["comments"][0]["body"], "Carl sounds upset");
    assert!(data["tickets_opened"].as_array().is_some_and(Vec::is_empty));
    app.stop().await;
}
