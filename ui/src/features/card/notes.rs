//! Notes about the customer.

use crate::db::store::{new_id, now};
use crate::state::use_app;
use crate::widgets::format::format_time;
use leptos::prelude::*;
use nobi_core::crm::Note;
use nobi_core::i18n::Ui;

#[component]
pub(super) fn Notes() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    let draft = RwSignal::new(String::new());
    let save = move || {
        let text = draft.get_untracked().trim().to_owned();
        if text.is_empty() {
            return;
        }
        draft.set(String::new());
        state.edit(move |c, _| {
            c.notes.push(Note {
                id: new_id(),
                at: now(),
                text,
                author: None,
            });
            Vec::new()
        });
    };
    view! {
        <section class="card" data-testid="notes">
            <h3>{move || t(Ui::Notes)}</h3>
            <textarea id="note-input" data-testid="note-input" rows="2" placeholder=move || t(Ui::NotePlaceholder)
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev| if crate::widgets::is_send_shortcut(&ev) { ev.prevent_default(); save() }
            ></textarea>
            <button data-testid="add-note" on:click=move |_| save()>{move || t(Ui::AddNote)}</button>
            <ul class="notes">
                <For each=move || state.customer.with(|c| c.as_ref().map(|c| c.notes.iter().rev().cloned().collect::<Vec<_>>()).unwrap_or_default())
                    key=|n| n.id.clone()
                    children=move |n| {
                        let id = n.id.clone();
                        view! {
                            <li data-testid="note">
                                <span class="muted small">{format_time(n.at)}</span>
                                <p class="note-text">{n.text}</p>
                                <button class="icon" aria-label=move || t(Ui::Delete) on:click=move |_| {
                                    let id = id.clone();
                                    state.edit(move |c, _| { c.notes.retain(|n| n.id != id); Vec::new() });
                                }>"×"</button>
                            </li>
                        }
                    }/>
            </ul>
        </section>
    }
}
