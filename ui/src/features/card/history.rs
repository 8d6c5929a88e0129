//! The customer's history: tags, assignee, status and merges, newest first (the last 30).

use super::status_label;
use crate::state::use_app;
use crate::widgets::format::format_time;
use leptos::prelude::*;
use nobi_core::crm::{ConversationStatus, HistoryEntry, HistoryKind};
use nobi_core::i18n::Ui;

/// How many entries the card shows.
const SHOWN: usize = 30;

fn kind_label(kind: &HistoryKind) -> Ui {
    match kind {
        HistoryKind::TagAdded => Ui::HistTagAdded,
        HistoryKind::TagRemoved => Ui::HistTagRemoved,
        HistoryKind::Assignee => Ui::HistAssignee,
        HistoryKind::Status => Ui::HistStatus,
        HistoryKind::Merged => Ui::HistMerged,
    }
}

#[component]
pub(crate) fn History() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    // A status is stored as its code; shown in the panel's language.
    let value = move |v: Option<String>| match v {
        None => "—".to_owned(),
        Some(v) => match ConversationStatus::from_code(&v) {
            Some(status) => t(status_label(status)).to_owned(),
            None => v,
        },
    };
    let shown = move || -> Vec<HistoryEntry> {
        state
            .history
            .with(|h| h.iter().take(SHOWN).cloned().collect())
    };
    view! {
        <section class="card" data-testid="history">
            <h3>{move || t(Ui::History)}</h3>
            <Show when=move || state.history.with(|h| !h.is_empty())
                fallback=move || view! { <p class="muted">{move || t(Ui::HistoryEmpty)}</p> }>
                <ul class="history">
                    <For each=shown key=|h| h.id.clone() let(entry)>
                        <li>
                            <span class="muted">{format_time(entry.at)}</span>
                            " " {let label = kind_label(&entry.kind); move || t(label)} ": "
                            {let from = entry.from.clone(); move || value(from.clone())} " → "
                            {let to = entry.to.clone(); move || value(to.clone())}
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
    }
}
