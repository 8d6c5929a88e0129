//! The customer card: who the buyer of the open conversation is, editable in place.
//!
//! Every edit is one [`db::save`] (customer, conversation and history entries in one
//! transaction). The signals are set only once the write succeeded, so what the card shows is
//! what is stored; a failed write leaves the agent's input in its field and shows why.

mod addresses;
mod chat;
mod emails;
mod fields;
mod history;
mod identity;
mod notes;
mod personal;
mod phones;
mod same_phone;
mod tags;

use crate::widgets::ErrorLine;
pub(crate) use addresses::Addresses;
pub use chat::read_chat;
pub(crate) use emails::Emails;
pub(crate) use fields::Fields;
pub(crate) use history::History;
use identity::Identity;
use notes::Notes;
pub(crate) use personal::Personal;
use phones::Phones;
pub(crate) use same_phone::SamePhone;
pub(crate) use tags::Tags;

use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::crm::ConversationStatus;
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
    let _t = move |key: Ui| state.t(key);
    view! {
        <div class="card-stack" data-testid="customer-card">
            <ErrorLine error=state.error testid="card-error"/>
            <Identity/>
            {crate::lazy::section(crate::lazy::team_row())}
            <Phones/>
            {crate::lazy::section(crate::lazy::card_fields())}
            {crate::lazy::section(crate::lazy::orders_section())}
            <Notes/>
            {crate::lazy::section(crate::lazy::card_history())}
        </div>
    }
}
