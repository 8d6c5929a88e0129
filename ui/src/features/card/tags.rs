//! Tags: pick, create, remove.

use crate::db;
use crate::state::use_app;
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::crm::{HistoryKind, Id, Tag};
use nobi_core::i18n::{ui, Ui};

#[component]
pub(super) fn Tags() -> impl IntoView {
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
    let pick = move || {
        let q = query.get_untracked().trim().to_owned();
        if q.is_empty() {
            return;
        }
        let folded = nobi_core::crm::fold(&q);
        let existing = state.tags.with_untracked(|tags| {
            tags.iter()
                .find(|t| nobi_core::crm::fold(&t.name) == folded)
                .cloned()
        });
        match existing {
            Some(tag) => attach(tag),
            None => {
                let count = state.tags.with_untracked(Vec::len);
                spawn_local(async move {
                    match db::create_tag(&q, count).await {
                        Ok(tag) => {
                            state.tags.update(|tags| tags.push(tag.clone()));
                            attach(tag);
                        }
                        Err(_) => state
                            .error
                            .set(Some(ui(Ui::SaveFailed, state.lang.get_untracked()).into())),
                    }
                });
            }
        }
    };
    let suggestions = move || {
        let q = nobi_core::crm::fold(&query.get());
        let have = state
            .customer
            .with(|c| c.as_ref().map(|c| c.tags.clone()).unwrap_or_default());
        state.tags.with(|tags| {
            tags.iter()
                .filter(|t| {
                    !have.contains(&t.id)
                        && (q.is_empty() || nobi_core::crm::fold(&t.name).contains(&q))
                })
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
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
            <div class="add-row">
                <input data-testid="tag-input" placeholder=move || t(Ui::AddTag)
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                    on:keydown=move |ev| if crate::widgets::is_plain_enter(&ev) { pick() }
                />
                <button on:click=move |_| pick()>{move || t(Ui::CreateTag)}</button>
            </div>
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
