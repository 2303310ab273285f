//! The buttons of canned responses: the templates screens (list, one template, its versions,
//! restore, delete, the prompts) and the `/t` picker that posts a template into a ticket.
//! Their tags all start with `j` (Jinja).

use super::wire::buttons;
use crate::domain::ids::TicketId;

buttons! {
    pub enum TemplateButton {
        /// `/settings` → Templates: page `page` of the list.
        List { page: u16 } = "jl",
        /// Ask for a new shared (or personal) template as text.
        Add { shared: bool } = "ja",
        /// Template `id`'s screen.
        Show { id: i64 } = "jv",
        /// Ask for template `id`'s new body.
        EditBody { id: i64 } = "jb",
        /// Ask for template `id`'s new name and category.
        EditLabel { id: i64 } = "jn",
        /// Template `id`'s versions.
        Versions { id: i64 } = "jh",
        /// One version, by its row's id.
        Version { id: i64 } = "jw",
        /// Make version `id` (its row's id) the template's newest again.
        Restore { id: i64 } = "jr",
        /// Ask before deleting template `id`.
        AskDelete { id: i64 } = "jd",
        /// Delete template `id`.
        Delete { id: i64 } = "jx",
        /// The `/t` picker: post template `template` into `ticket`'s topic.
        Pick { ticket: TicketId, template: i64 } = "jp",
        /// The `/t` picker of `ticket`: page `page`.
        PickerPage { ticket: TicketId, page: u16 } = "jg",
    }
}

#[cfg(test)]
mod tests {
    use super::super::CallbackData;
    use super::*;

    /// The wire format of these buttons, frozen: they sit in chats.
    #[test]
    fn template_buttons_encode_as_frozen() {
        let t = TicketId(42);
        let cases = [
            (TemplateButton::List { page: 2 }, "1|jl|2"),
            (TemplateButton::Add { shared: true }, "1|ja|1"),
            (TemplateButton::Show { id: 7 }, "1|jv|7"),
            (TemplateButton::EditBody { id: 7 }, "1|jb|7"),
            (TemplateButton::EditLabel { id: 7 }, "1|jn|7"),
            (TemplateButton::Versions { id: 7 }, "1|jh|7"),
            (TemplateButton::Version { id: 9 }, "1|jw|9"),
            (TemplateButton::Restore { id: 9 }, "1|jr|9"),
            (TemplateButton::AskDelete { id: 7 }, "1|jd|7"),
            (TemplateButton::Delete { id: 7 }, "1|jx|7"),
            (
                TemplateButton::Pick {
                    ticket: t,
                    template: 7,
                },
                "1|jp|42|7",
            ),
            (
                TemplateButton::PickerPage { ticket: t, page: 1 },
                "1|jg|42|1",
            ),
        ];
        assert_eq!(cases.len(), TemplateButton::TAGS.len());
        for (b, s) in cases {
            let d = CallbackData::from(b);
            assert_eq!(d.encode(), s);
            assert_eq!(CallbackData::decode(s), Ok(d));
        }
        // The longest: two i64 extremes.
        let longest = CallbackData::from(TemplateButton::Pick {
            ticket: TicketId(i64::MIN),
            template: i64::MIN,
        });
        assert!(longest.encode().len() <= super::super::MAX_CALLBACK_DATA_LEN);
        assert_eq!(longest.ticket(), Some(TicketId(i64::MIN)));
        for bad in [
            "1|jp|42",
            "1|jp|42|x",
            "1|jl|-1",
            "1|jl|65536",
            "1|ja|2",
            "1|jv|07",
        ] {
            assert!(CallbackData::decode(bad).is_err(), "{bad}");
        }
    }
}
