//! Presses of the custom-fields and Tags buttons: the settings screens, their prompts, and the
//! choice and checkbox buttons of `/info`.

use super::Press;
use crate::app::fields::{self, Ask, FieldsChange, Pick, TagsChange};
use crate::telegram::callback::FieldsButton;
use crate::telegram::handlers::HandlerResult;
use crate::telegram::Dialogue;

impl Press<'_> {
    pub(super) async fn fields(&self, b: FieldsButton) -> HandlerResult {
        use FieldsButton as B;
        let (ctx, origin, caller, screen) =
            (&self.state.ctx, self.origin, self.caller, self.screen);
        let settings = |change| fields::fields_screen(ctx, origin, caller, change, screen);
        let tags = |change| fields::tags_screen(ctx, origin, caller, change, screen);
        let ask = |what: Ask, dialogue: Dialogue| async move {
            if fields::ask(ctx, origin, caller, what).await? {
                self.state.ask(caller.profile.id, dialogue);
            }
            HandlerResult::Ok(())
        };
        let _accepted = match b {
            B::SettingsFields => settings(FieldsChange::List).await?,
            B::FieldMenu { field } => settings(FieldsChange::Show(field)).await?,
            B::FieldRequired { field, on } => settings(FieldsChange::Required(field, on)).await?,
            B::FieldDelete { field } => settings(FieldsChange::AskDelete(field)).await?,
            B::FieldDeleteConfirm { field } => settings(FieldsChange::Delete(field)).await?,
            B::FieldAdd => return ask(Ask::AddField, Dialogue::FieldAdd).await,
            B::FieldLabel { field } => {
                return ask(Ask::Label(field), Dialogue::FieldLabel { field }).await;
            }
            B::FieldChoices { field } => {
                return ask(Ask::Choices(field), Dialogue::FieldChoices { field }).await;
            }
            B::FieldPick {
                ticket,
                field,
                choice,
                check,
                on,
            } => {
                let pick = Pick::Choice {
                    index: choice,
                    check,
                    on,
                };
                let at = ticket.0;
                return Ok(fields::press(ctx, origin, caller, at, field, pick, screen).await?);
            }
            B::FieldCheck { ticket, field, on } => {
                let pick = Pick::Checkbox(on);
                let at = ticket.0;
                return Ok(fields::press(ctx, origin, caller, at, field, pick, screen).await?);
            }
            B::TagsPage { page } => tags(TagsChange::List(page)).await?,
            B::TagMenu { tag } => tags(TagsChange::Show(tag)).await?,
            B::TagDelete { tag } => tags(TagsChange::AskDelete(tag)).await?,
            B::TagDeleteConfirm { tag } => tags(TagsChange::Delete(tag)).await?,
            B::TagRename { tag } => {
                return ask(Ask::RenameTag(tag), Dialogue::TagRename { tag }).await;
            }
            B::TagMerge { tag } => {
                return ask(Ask::MergeTag(tag), Dialogue::TagMerge { tag }).await;
            }
        };
        Ok(())
    }
}
