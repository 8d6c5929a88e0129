//! Name, platform links, status and assignee.

use crate::state::use_app;
use crate::widgets::format::platform_name;
use leptos::prelude::*;
use nobi_core::i18n::Ui;

#[component]
pub(super) fn Identity() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    let name = move || {
        state
            .customer
            .with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default())
    };
    let editing = RwSignal::new(false);
    let save_name = move |value: String| {
        let value = value.trim().to_owned();
        if value.is_empty() || value == name() {
            return;
        }
        state.edit(move |c, _| {
            c.name = value;
            Vec::new()
        });
    };
    view! {
        <section class="card identity">
            <div class="identity-row">
                {move || {
                    state
                        .customer
                        .with(|c| c.as_ref().and_then(|c| c.avatar_url.clone()))
                        .filter(|u| u.starts_with("https://"))
                        .map(|src| view! { <img class="avatar" src=src alt="" referrerpolicy="no-referrer"/> })
                }}
                {move || if editing.get() {
                    view! {
                        <input
                            class="name-input"
                            data-testid="customer-name"
                            aria-label=t(Ui::CustomerName)
                            prop:value=name
                            on:change=move |ev| { save_name(event_target_value(&ev)); editing.set(false); }
                            on:keydown=move |ev| if ev.key() == "Escape" { editing.set(false) }
                            on:blur=move |_| editing.set(false)
                        />
                    }.into_any()
                } else {
                    view! {
                        <h2 class="buyer-name" data-testid="buyer-name">{move || nobi_core::text::for_display(&name())}</h2>
                        <button class="link" data-testid="edit-name" title=t(Ui::Edit) on:click=move |_| editing.set(true)>"✎"</button>
                    }.into_any()
                }}
            </div>
            <div class="meta">
                {move || {
                    state
                        .customer
                        .with(|c| c.as_ref().map(|c| c.identities.clone()).unwrap_or_default())
                        .into_iter()
                        .map(|i| {
                            let label = match &i.username {
                                Some(u) => format!("{} @{}", platform_name(i.platform), u.trim_start_matches('@')),
                                None => platform_name(i.platform).to_owned(),
                            };
                            match i.profile_url.as_deref().and_then(nobi_core::platform::safe_profile_link) {
                                Some(href) => view! {
                                    <a class="badge" data-testid="identity" href=href target="_blank" rel="noopener noreferrer" title=t(Ui::OpenProfile)>{label}</a>
                                }.into_any(),
                                None => view! { <span class="badge" data-testid="identity">{label}</span> }.into_any(),
                            }
                        })
                        .collect_view()
                }}
            </div>
        </section>
    }
}
