//! The customer card: who the buyer of the open conversation is, editable in place.
//!
//! Every edit is one [`db::save`] (customer, conversation and history entries in one
//! transaction). The signals are set only once the write succeeded, so what the card shows is
//! what is stored; a failed write leaves the agent's input in its field and shows why.

mod addresses;
mod chat;
mod emails;
mod fields;
mod identity;
mod notes;
mod personal;
mod phones;
mod same_phone;
mod tags;

use addresses::Addresses;
pub use chat::read_chat;
use emails::Emails;
use fields::Fields;
use identity::Identity;
use notes::Notes;
use personal::Personal;
use phones::Phones;
use same_phone::SamePhone;
use tags::Tags;

use crate::state::use_app;
use crate::widgets::format::format_time;
use leptos::prelude::*;
use nobi_core::crm::{ConversationStatus, HistoryKind};
use nobi_core::i18n::Ui;

pub(super) fn status_label(status: ConversationStatus) -> Ui {
    match status {
        ConversationStatus::Processing => Ui::StatusProcessing,
        ConversationStatus::Processed => Ui::StatusProcessed,
        ConversationStatus::Done => Ui::StatusDone,
    }
}

#[component]
pub fn CustomerCard() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    view! {
        <div class="card-stack" data-testid="customer-card">
            {move || state.error.get().map(|e| view! { <p class="error" role="alert" data-testid="card-error">{e}</p> })}
            <Identity/>
            <Phones/>
            <Emails/>
            <Personal/>
            <Tags/>
            <Fields/>
            <Addresses/>
            <crate::features::orders::OrdersSection/>
            <Notes/>
            <SamePhone/>
            <section class="card" data-testid="history">
                <h3>{move || t(Ui::History)}</h3>
                {move || {
                    let entries = state.history.get();
                    if entries.is_empty() {
                        return view! { <p class="muted">{t(Ui::HistoryEmpty)}</p> }.into_any();
                    }
                    view! {
                        <ul class="history">
                            {entries
                                .into_iter()
                                .take(30)
                                .map(|h| {
                                    let label = match h.kind {
                                        HistoryKind::TagAdded => Ui::HistTagAdded,
                                        HistoryKind::TagRemoved => Ui::HistTagRemoved,
                                        HistoryKind::Assignee => Ui::HistAssignee,
                                        HistoryKind::Status => Ui::HistStatus,
                                        HistoryKind::Merged => Ui::HistMerged,
                                    };
                                    let show = move |v: Option<String>| {
                                        v.map(|v| match v.as_str() {
                                            "processing" => t(Ui::StatusProcessing).to_owned(),
                                            "processed" => t(Ui::StatusProcessed).to_owned(),
                                            "done" => t(Ui::StatusDone).to_owned(),
                                            _ => v,
                                        })
                                        .unwrap_or_else(|| "—".into())
                                    };
                                    let from = show(h.from);
                                    let to = show(h.to);
                                    view! {
                                        <li>
                                            <span class="muted">{format_time(h.at)}</span>
                                            " " {t(label)} ": " {from} " → " {to}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </section>
        </div>
    }
}
