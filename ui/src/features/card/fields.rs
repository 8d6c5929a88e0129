//! The conversation's fields: status, assignee, source, and the shop's own fields.

use super::status_label;
use crate::db;
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::crm::{ConversationRecord, ConversationStatus, HistoryKind, Id};
use nobi_core::i18n::Ui;

#[component]
pub(crate) fn Fields() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    let field = move |get: fn(&ConversationRecord) -> String,
                      set: fn(&mut ConversationRecord, String),
                      label: Ui,
                      testid: &'static str| {
        view! {
            <label>{move || t(label)}
                <input data-testid=testid
                    prop:value=move || state.conversation.with(|c| c.as_ref().map(get).unwrap_or_default())
                    on:change=move |ev| {
                        let value = event_target_value(&ev).trim().to_owned();
                        state.edit(move |_, conversation| {
                            if let Some(c) = conversation.as_mut() { set(c, value); }
                            Vec::new()
                        });
                    }/>
            </label>
        }
    };
    let assignee = move || {
        state.conversation.with(|c| {
            c.as_ref()
                .and_then(|c| c.assignee.clone())
                .map(|a| a.0)
                .unwrap_or_default()
        })
    };
    let staff_name = move |id: &Option<Id>| {
        id.as_ref().and_then(|id| {
            state
                .staff
                .with_untracked(|s| s.iter().find(|m| &m.id == id).map(|m| m.name.clone()))
        })
    };
    let set_assignee = move |id: Option<Id>| {
        let from = staff_name(
            &state
                .conversation
                .with_untracked(|c| c.as_ref().and_then(|c| c.assignee.clone())),
        );
        let to = staff_name(&id);
        state.edit(move |customer, conversation| {
            let Some(c) = conversation.as_mut() else {
                return Vec::new();
            };
            if c.assignee == id {
                return Vec::new();
            }
            c.assignee = id;
            vec![db::history_entry(
                customer,
                Some(c),
                HistoryKind::Assignee,
                from,
                to,
                None,
            )]
        });
    };
    let adding_staff = RwSignal::new(false);
    let staff_draft = RwSignal::new(String::new());
    let create_staff = Action::new_local(move |name: &String| {
        let name = name.clone();
        async move {
            match db::create_staff(&name).await {
                Ok(member) => {
                    state.staff.update(|s| s.push(member.clone()));
                    staff_draft.set(String::new());
                    adding_staff.set(false);
                    set_assignee(Some(member.id));
                }
                Err(_) => state.failed(),
            }
        }
    });
    let add_staff = move || {
        let name = staff_draft.get_untracked();
        if !name.trim().is_empty() {
            create_staff.dispatch(name);
        }
    };
    view! {
        <section class="card" data-testid="conversation-fields">
            <h3>{move || t(Ui::ConversationFields)}</h3>
            <div class="grid2">
                {field(|c| c.category.clone(), |c, v| c.category = v, Ui::Category, "field-category")}
                {field(|c| c.sub_category.clone(), |c, v| c.sub_category = v, Ui::SubCategory, "field-sub-category")}
                {field(|c| c.detail.clone(), |c, v| c.detail = v, Ui::Detail, "field-detail")}
                {field(|c| c.classification.clone(), |c, v| c.classification = v, Ui::Classification, "field-classification")}
                <label>{move || t(Ui::Assignee)}
                    <select data-testid="assignee" prop:value=assignee on:change=move |ev| {
                        match event_target_value(&ev).as_str() {
                            "" => set_assignee(None),
                            "+" => adding_staff.set(true),
                            id => set_assignee(Some(Id(id.to_owned()))),
                        }
                    }>
                        <option value="">{move || t(Ui::Unassigned)}</option>
                        {move || state.staff.get().into_iter().map(|m| view! {
                            <option value=m.id.0.clone() selected=move || assignee() == m.id.0>{m.name.clone()}</option>
                        }).collect_view()}
                        <option value="+">{move || t(Ui::AddStaff)}</option>
                    </select>
                </label>
                <label>{move || t(Ui::Status)}
                    <select data-testid="status" on:change=move |ev| {
                        let Some(status) = ConversationStatus::from_code(&event_target_value(&ev)) else { return };
                        state.edit(move |customer, conversation| {
                            let Some(c) = conversation.as_mut() else { return Vec::new() };
                            if c.status == status { return Vec::new(); }
                            let from = c.status;
                            c.status = ConversationStatus::chosen(status, !customer.tags.is_empty(), c.replied);
                            vec![db::history_entry(customer, Some(c), HistoryKind::Status, Some(from.code().into()), Some(c.status.code().into()), None)]
                        });
                    }>
                        {ConversationStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.code()
                                selected=move || state.conversation.with(|c| c.as_ref().map(|c| c.status)) == Some(s)>
                                {move || t(status_label(s))}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            {move || adding_staff.get().then(|| view! {
                <div class="add-row">
                    <input data-testid="staff-input" placeholder=t(Ui::StaffNamePrompt)
                        prop:value=move || staff_draft.get()
                        on:input=move |ev| staff_draft.set(event_target_value(&ev))
                        on:keydown=move |ev| if crate::widgets::is_plain_enter(&ev) { add_staff() }/>
                    <button on:click=move |_| add_staff()>{t(Ui::Save)}</button>
                    <button class="link" on:click=move |_| adding_staff.set(false)>{t(Ui::Cancel)}</button>
                </div>
            })}
            <p class="muted small">{move || t(Ui::StatusRule)}</p>
        </section>
    }
}
