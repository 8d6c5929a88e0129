//! Tags: pick, create, remove.

use crate::db;
use crate::state::use_app;
use crate::widgets::AddRow;
use leptos::prelude::*;
use nobi_core::crm::{HistoryKind, Id, Tag};
use nobi_core::i18n::Ui;

/// How many tags the field suggests at most.
const SUGGESTED: usize = 8;

#[component]
pub(crate) fn Tags() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    let query = RwSignal::new(String::new());
    let tag_of = move |id: &Id| {
        state
            .tags
            .with(|tags| tags.iter().find(|t| &t.id == id).cloned())
    };
    let attach = move |tag: Tag| {
        query.set(String::new());
        state.edit(move |c, conversation| {
            if c.tags.contains(&tag.id) {
                return Vec::new();
            }
            c.tags.push(tag.id.clone());
            vec![db::history_entry(
                c,
                conversation.as_ref(),
                HistoryKind::TagAdded,
                None,
                Some(tag.name.clone()),
                None,
            )]
        });
    };
    // A tag typed that does not exist yet: created with the next colour, then attached.
    let create = Action::new_local(move |name: &String| {
        let name = name.clone();
        let count = state.tags.with_untracked(Vec::len);
        async move {
            match db::create_tag(&name, count).await {
                Ok(tag) => {
                    state.tags.update(|tags| tags.push(tag.clone()));
                    attach(tag);
                }
                Err(_) => state.failed(),
            }
        }
    });
    let pick = move || {
        let q = query.get_untracked().trim().to_owned();
        if q.is_empty() {
            return;
        }
        let existing = state
            .tags
            .with_untracked(|tags| nobi_core::crm::tag_named(tags, &q).cloned());
        match existing {
            Some(tag) => attach(tag),
            None => {
                create.dispatch(q);
            }
        }
    };
    let suggestions = move || {
        let have = state
            .customer
            .with(|c| c.as_ref().map(|c| c.tags.clone()).unwrap_or_default());
        query.with(|q| {
            state.tags.with(|tags| {
                nobi_core::crm::tag_suggestions(tags, &have, q, SUGGESTED)
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <section class="card" data-testid="tags">
            <h3>{move || t(Ui::Tags)}</h3>
            <div class="chips">
                {move || state.customer.with(|c| c.as_ref().map(|c| c.tags.clone()).unwrap_or_default())
                    .into_iter()
                    .filter_map(|id| tag_of(&id))
                    .map(|tag| {
                        let removed = tag.clone();
                        view! {
                            <span class="tag" data-testid="tag" style=format!("--tag:{}", tag.display_color())>
                                {tag.name.clone()}
                                <button class="icon" aria-label=t(Ui::RemoveTag) on:click=move |_| {
                                    let tag = removed.clone();
                                    state.edit(move |c, conversation| {
                                        c.tags.retain(|id| *id != tag.id);
                                        vec![db::history_entry(c, conversation.as_ref(), HistoryKind::TagRemoved, Some(tag.name.clone()), None, None)]
                                    });
                                }>"×"</button>
                            </span>
                        }
                    })
                    .collect_view()}
            </div>
            <AddRow value=query testid="tag-input"
                placeholder=Signal::derive(move || t(Ui::AddTag)) button=Signal::derive(move || t(Ui::CreateTag))
                on_submit=Callback::new(move |()| pick())/>
            <div class="chips">
                {move || suggestions().into_iter().map(|tag| {
                    let chosen = tag.clone();
                    view! {
                        <button class="chip" style=format!("--tag:{}", tag.display_color()) on:click=move |_| attach(chosen.clone())>
                            {tag.name.clone()}
                        </button>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}
