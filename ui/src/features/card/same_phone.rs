//! Other customers with one of this customer's phones, offered for merging.

use crate::db;
use crate::state::use_app;
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::crm::Customer;
use nobi_core::i18n::{ui, Ui};

#[component]
pub(super) fn SamePhone() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    let others = RwSignal::new(Vec::<Customer>::new());
    Effect::new(move |_| {
        let Some(customer) = state.customer.get() else {
            return;
        };
        spawn_local(async move {
            others.set(db::same_phone(&customer).await.unwrap_or_default());
        });
    });
    view! {
        {move || (!others.get().is_empty()).then(|| view! {
            <section class="card warn" data-testid="same-phone">
                <h3>{t(Ui::SamePhone)}</h3>
                <ul class="rows">
                    {others.get().into_iter().map(|o| {
                        let other = o.clone();
                        view! {
                            <li>
                                {o.name.clone()} " · " {o.primary_phone().map(nobi_core::phone::display).unwrap_or_default()}
                                <button data-testid="merge" on:click=move |_| {
                                    let Some(into) = state.customer.get_untracked() else { return };
                                    let other = other.clone();
                                    spawn_local(async move {
                                        match db::merge_customers(into, other).await {
                                            Ok(merged) => {
                                                if let Ok(h) = db::history(&merged.id).await { state.history.set(h); }
                                                state.customer.set(Some(merged));
                                            }
                                            Err(_) => state.error.set(Some(ui(Ui::SaveFailed, state.lang.get_untracked()).into())),
                                        }
                                    });
                                }>{t(Ui::Merge)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
