//! Custom fields (SPEC §7): the definitions of a workspace and the values of its tickets.
//! Every query names the workspace, so another workspace's ids find nothing.

use chrono::{DateTime, Utc};
use entity::custom_field_values as values;
use entity::custom_fields as fields;
use entity::custom_fields::FieldKind as Column;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use crate::domain::fields::{FieldDef, FieldKind};

/// A defined field and its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub id: i64,
    pub def: FieldDef,
}

/// A field of a ticket for `/info`: the definition and the ticket's value, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldLine {
    pub id: i64,
    pub def: FieldDef,
    pub value: Option<String>,
}

impl From<Column> for FieldKind {
    fn from(c: Column) -> Self {
        match c {
            Column::Text => FieldKind::Text,
            Column::Number => FieldKind::Number,
            Column::SingleChoice => FieldKind::SingleChoice,
            Column::MultipleChoice => FieldKind::MultipleChoice,
            Column::Checkbox => FieldKind::Checkbox,
            Column::Date => FieldKind::Date,
        }
    }
}

impl From<FieldKind> for Column {
    fn from(k: FieldKind) -> Self {
        match k {
            FieldKind::Text => Column::Text,
            FieldKind::Number => Column::Number,
            FieldKind::SingleChoice => Column::SingleChoice,
            FieldKind::MultipleChoice => Column::MultipleChoice,
            FieldKind::Checkbox => Column::Checkbox,
            FieldKind::Date => Column::Date,
        }
    }
}

fn field_of(m: fields::Model) -> Result<Field, DbErr> {
    let choices: Vec<String> = serde_json::from_str(&m.choices)
        .map_err(|e| DbErr::Custom(format!("custom field {} has bad choices: {e}", m.id)))?;
    Ok(Field {
        id: m.id,
        def: FieldDef {
            key: m.key,
            label: m.label,
            kind: m.kind.into(),
            choices,
            required: m.required,
        },
    })
}

fn choices_json(def: &FieldDef) -> String {
    serde_json::Value::from(def.choices.clone()).to_string()
}

/// The workspace's fields, in the order they were defined.
pub async fn all<C: ConnectionTrait>(db: &C, workspace: i64) -> Result<Vec<Field>, DbErr> {
    fields::Entity::find()
        .filter(fields::Column::WorkspaceId.eq(workspace))
        .order_by_asc(fields::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(field_of)
        .collect()
}

/// One field of the workspace; `None` for another workspace's id.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
) -> Result<Option<Field>, DbErr> {
    fields::Entity::find_by_id(id)
        .filter(fields::Column::WorkspaceId.eq(workspace))
        .one(db)
        .await?
        .map(field_of)
        .transpose()
}

/// The workspace's field called `key`.
pub async fn by_key<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    key: &str,
) -> Result<Option<Field>, DbErr> {
    fields::Entity::find()
        .filter(fields::Column::WorkspaceId.eq(workspace))
        .filter(fields::Column::Key.eq(key))
        .one(db)
        .await?
        .map(field_of)
        .transpose()
}

pub async fn count<C: ConnectionTrait>(db: &C, workspace: i64) -> Result<u64, DbErr> {
    fields::Entity::find()
        .filter(fields::Column::WorkspaceId.eq(workspace))
        .count(db)
        .await
}

/// Defines a field (the caller checked that its key is free, under the workspace's lock).
pub async fn add<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    def: &FieldDef,
    now: DateTime<Utc>,
) -> Result<Field, DbErr> {
    let res = fields::Entity::insert(fields::ActiveModel {
        workspace_id: Set(workspace),
        key: Set(def.key.clone()),
        label: Set(def.label.clone()),
        kind: Set(def.kind.into()),
        choices: Set(choices_json(def)),
        required: Set(def.required),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    let m = fields::Entity::find_by_id(res.last_insert_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the custom field just added".into()))?;
    field_of(m)
}

/// Saves a field's label, choices and required flag (its key and type never change).
pub async fn update<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
    def: &FieldDef,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = fields::Entity::update_many()
        .set(fields::ActiveModel {
            label: Set(def.label.clone()),
            choices: Set(choices_json(def)),
            required: Set(def.required),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(fields::Column::Id.eq(id))
        .filter(fields::Column::WorkspaceId.eq(workspace))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Deletes a field and every ticket's value of it; how many values went with it, `None` when
/// the workspace has no such field.
pub async fn delete<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
) -> Result<Option<u64>, DbErr> {
    let res = fields::Entity::delete_many()
        .filter(fields::Column::Id.eq(id))
        .filter(fields::Column::WorkspaceId.eq(workspace))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    let gone = values::Entity::delete_many()
        .filter(values::Column::FieldId.eq(id))
        .filter(values::Column::WorkspaceId.eq(workspace))
        .exec(db)
        .await?;
    Ok(Some(gone.rows_affected))
}

/// How many tickets have a value of the field.
pub async fn value_count<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    field: i64,
) -> Result<u64, DbErr> {
    values::Entity::find()
        .filter(values::Column::WorkspaceId.eq(workspace))
        .filter(values::Column::FieldId.eq(field))
        .count(db)
        .await
}

/// A ticket's value of a field.
pub async fn value<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    ticket: i64,
    field: i64,
) -> Result<Option<String>, DbErr> {
    Ok(values::Entity::find()
        .filter(values::Column::WorkspaceId.eq(workspace))
        .filter(values::Column::TicketId.eq(ticket))
        .filter(values::Column::FieldId.eq(field))
        .one(db)
        .await?
        .map(|v| v.value))
}

/// Sets (`Some`) or clears (`None`) a ticket's value of a field.
pub async fn set_value<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    ticket: i64,
    field: i64,
    value: Option<&str>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    match value {
        Some(v) => {
            values::Entity::insert(values::ActiveModel {
                workspace_id: Set(workspace),
                field_id: Set(field),
                ticket_id: Set(ticket),
                value: Set(v.to_owned()),
                updated_by: Set(by),
                updated_at: Set(now),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::columns([values::Column::FieldId, values::Column::TicketId])
                    .update_columns([
                        values::Column::Value,
                        values::Column::UpdatedBy,
                        values::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        }
        None => {
            values::Entity::delete_many()
                .filter(values::Column::WorkspaceId.eq(workspace))
                .filter(values::Column::TicketId.eq(ticket))
                .filter(values::Column::FieldId.eq(field))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

/// Every field of the workspace with the ticket's value, for `/info`.
pub async fn lines<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    ticket: i64,
) -> Result<Vec<FieldLine>, DbErr> {
    let defs = all(db, workspace).await?;
    if defs.is_empty() {
        return Ok(Vec::new());
    }
    let set: Vec<values::Model> = values::Entity::find()
        .filter(values::Column::WorkspaceId.eq(workspace))
        .filter(values::Column::TicketId.eq(ticket))
        .all(db)
        .await?;
    Ok(defs
        .into_iter()
        .map(|f| FieldLine {
            value: set
                .iter()
                .find(|v| v.field_id == f.id)
                .map(|v| v.value.clone()),
            id: f.id,
            def: f.def,
        })
        .collect())
}

/// A ticket's field values by key, for templates (`{{ fields.plan }}`): every field of the
/// workspace, its canonical value (checkboxes `yes`/`no`, dates `YYYY-MM-DD`, a multiple
/// choice's parts joined by `, `), or an empty string when the ticket has none, so that a
/// template may test `{% if fields.plan %}` without failing on an unset field.
pub async fn values_for_ticket<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    ticket: i64,
) -> Result<Vec<(String, String)>, DbErr> {
    Ok(lines(db, workspace, ticket)
        .await?
        .into_iter()
        .map(|l| (l.def.key, l.value.unwrap_or_default()))
        .collect())
}
