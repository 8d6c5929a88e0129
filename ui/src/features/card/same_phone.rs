//! Other customers with one of this customer's phones, offered for merging.

use crate::db;
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::crm::Customer;
use nobi_core::i18n::Ui;

#[component]
pub(crate) fn SamePhone() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    // Read again whenever the customer changes (a phone added, another customer shown). Each
    // answer says whom it was read for: a late answer for the previous customer is not shown
    // under the current one (issue 13, point 12).
    let others = LocalResource::new(move || {
        let customer = state.customer.get();
        async move {
            match customer {
                Some(customer) => {
                    let found = db::same_phone(&customer).await.unwrap_or_default();
                    (Some(customer.id), found)
                }
                None => (None, Vec::new()),
            }
        }
    });
    let merge = Action::new_local(move |other: &Customer| {
        let other = other.clone();
        let into = state.customer.get_untracked();
        async move {
            let Some(into) = into else { return };
            // Only people who share a phone now: never a stale row's.
            if nobi_core::crm::link::same_phone(&into, std::slice::from_ref(&other)).is_empty() {
                return;
            }
            match db::merge_customers(into, other).await {
                Ok(merged) => {
                    if let Ok(h) = db::history(&merged.id).await {
                        state.history.set(h);
                    }
                    state.customer.set(Some(merged));
                }
                Err(_) => state.failed(),
            }
        }
    });
    let list = move || {
        let current = state.customer.with(|c| c.as_ref().map(|c| c.id.clone()));
        others
            .get()
            .filter(|(read_for, _)| *read_for == current)
            .map(|(_, found)| found)
            .unwrap_or_default()
    };
    view! {
        <Show when=move || !list().is_empty()>
            <section class="card warn" data-testid="same-phone">
                <h3>{move || t(Ui::SamePhone)}</h3>
                <ul class="rows">
                    <For each=list key=|o| o.id.clone() let(other)>
                        <li>
                            {nobi_core::text::for_display(&other.name)} " · "
                            {other.primary_phone().map(nobi_core::phone::display).unwrap_or_default()}
                            <button data-testid="merge" disabled=move || merge.pending().get()
                                on:click=move |_| { merge.dispatch(other.clone()); }>
                                {move || t(Ui::Merge)}
                            </button>
                        </li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}
