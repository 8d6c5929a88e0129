//! Orders in the card: this customer's orders and those of other customers with the same phone,
//! an order's detail (status, cancel, shipping, warehouse, summary to the buyer, history), and
//! the order form (the seeds' six steps on one screen).
//!
//! Every rule lives in `nobi_core::order` (money in integer VND, totals, transitions, stock);
//! this file only collects input, calls it on a copy of the order and the catalog, and writes
//! the order with the products whose stock changed in one transaction.

mod detail;
mod form;

pub use detail::OrderDetail;
pub use form::OrderForm;

use crate::db;
use crate::state::use_app;
use crate::state::AppState;
use crate::widgets::format::format_time;
use crate::widgets::ErrorLine;
use leptos::prelude::*;
use nobi_core::i18n::{ui, Lang, Ui};
use nobi_core::order::catalog::Catalog;
use nobi_core::order::order::{Order, OrderDraft, OrderStatus, Source};

/// Who is recorded in an order's history: the staff member using this browser, else "agent".
pub(super) fn by(state: AppState) -> String {
    let me = state.settings.with_untracked(|s| s.me.clone());
    me.and_then(|id| {
        state
            .staff
            .with_untracked(|s| s.iter().find(|m| m.id == id).map(|m| m.name.clone()))
    })
    .unwrap_or_else(|| "agent".to_owned())
}

/// The products of `after` that differ from `before` (their stock moved).
pub(super) fn touched(before: &Catalog, after: &Catalog) -> Vec<db::Touched> {
    after
        .products
        .iter()
        .filter(|p| !before.products.contains(p))
        .map(|p| db::Touched {
            read: before.products.iter().find(|b| b.id == p.id).cloned(),
            now: p.clone(),
        })
        .collect()
}

/// The warehouses to offer: the shop's, or one default.
pub(super) fn warehouses(state: AppState) -> Vec<String> {
    let list = state.settings.with(|s| s.warehouses.clone());
    if list.is_empty() {
        vec![ui(Ui::DefaultWarehouse, Lang::Vi).to_owned()]
    } else {
        list
    }
}

pub(super) fn status_class(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Cancelled | OrderStatus::Returned => "badge bad",
        OrderStatus::Delivered => "badge primary",
        _ => "badge",
    }
}

/// An order and the catalog after a change, with the products whose stock it touched: what
/// [`save_action`] writes.
/// The last item is the stored order's `updated_at` the change was made on (None: a new order).
pub(super) type OrderWrite = (Order, Catalog, Vec<db::Touched>, Option<i64>);

/// Writes an order and the products whose stock it changed (one transaction); once stored, the
/// catalog and `orders` show them. A failed write shows why in `error` and changes nothing.
pub(super) fn save_action(
    state: AppState,
    orders: RwSignal<Vec<Order>>,
    error: RwSignal<Option<String>>,
) -> Action<OrderWrite, ()> {
    Action::new_local(move |(order, catalog, products, seen): &OrderWrite| {
        let (mut changed, catalog, products, seen) =
            (order.clone(), catalog.clone(), products.clone(), *seen);
        async move {
            match db::save_order(&mut changed, &products, seen).await {
                Ok(()) => {
                    error.set(None);
                    state.catalog.set(catalog);
                    orders.update(|list| {
                        if let Some(slot) = list.iter_mut().find(|o| o.id == changed.id) {
                            *slot = changed;
                        } else {
                            list.insert(0, changed);
                        }
                    });
                }
                Err(db::store::StoreError::Conflict) => {
                    error.set(Some(
                        ui(Ui::OrderChangedElsewhere, state.lang.get_untracked()).into(),
                    ));
                    state.orders_heard.update(|n| *n += 1);
                    state.reload_catalog().await;
                }
                Err(_) => error.set(Some(ui(Ui::SaveFailed, state.lang.get_untracked()).into())),
            }
        }
    })
}

/// Applies a change to a copy of the order and catalog and hands both to `save`; a change the
/// rules refuse shows the translated reason in `error` and writes nothing.
pub(super) fn apply(
    state: AppState,
    save: Action<OrderWrite, ()>,
    error: RwSignal<Option<String>>,
    order: Order,
    change: impl FnOnce(&mut Order, &mut Catalog) -> Result<(), String> + 'static,
) {
    leptos::task::spawn_local(async move {
        let before = fresh_catalog(state).await;
        let mut catalog = before.clone();
        let seen = order.updated_at;
        let mut changed = order;
        if let Err(e) = change(&mut changed, &mut catalog) {
            error.set(Some(e));
            return;
        }
        let products = touched(&before, &catalog);
        save.dispatch((changed, catalog, products, Some(seen)));
    });
}

/// The catalog as stored now, not as last shown: team sync may have just written the server's
/// stock, and a product written back from an older copy would undo it (and, synced, send the
/// difference as a stock change). The shown one when the store cannot be read.
pub(super) async fn fresh_catalog(state: AppState) -> Catalog {
    match db::catalog().await {
        Ok(c) => c,
        Err(_) => state.catalog.get_untracked(),
    }
}

#[component]
pub fn OrdersSection() -> impl IntoView {
    let state = use_app();
    // Orders reserve the catalog's stock: read it now that a screen needs it.
    let catalog = LocalResource::new(move || state.ensure_catalog());
    Effect::new(move |_| catalog.track());
    let t = move |key: Ui| ui(key, state.lang.get());
    let orders = RwSignal::new(Vec::<Order>::new());
    let others = RwSignal::new(Vec::<Order>::new());
    let open = RwSignal::new(None::<String>);
    let creating = RwSignal::new(false);
    let from_chat = RwSignal::new(None::<OrderDraft>);
    // Auto-created drafts: when the setting is on, the buyer's last message with a phone or an
    // order keyword prefills an order for the agent to check; nothing is stored until "create".
    let auto_draft = Memo::new(move |_| {
        if !state.settings.with(|s| s.auto_draft_orders) {
            return None;
        }
        let message = state.buyer_messages.with(|m| m.last().cloned())?;
        let customer = state.customer.get();
        let conversation = state.conversation.get()?;
        let source = Source {
            platform: conversation.platform,
            page: conversation.account.clone().unwrap_or_default(),
        };
        let warehouse = warehouses(state).into_iter().next().unwrap_or_default();
        nobi_core::order::auto_draft(
            &message,
            nobi_core::order::DEFAULT_ORDER_KEYWORDS,
            customer.as_ref(),
            source,
            &warehouse,
        )
    });
    let error = RwSignal::new(None::<String>);
    // Reload when the customer changes (another conversation, a merge).
    let customer_key = Memo::new(move |_| {
        state
            .customer
            .with(|c| c.as_ref().map(|c| (c.id.clone(), c.phone_keys.clone())))
    });
    let stored = LocalResource::new(move || {
        let key = customer_key.get();
        // Team sync wrote orders (another agent's, or the server's decision on ours).
        state.orders_heard.track();
        async move {
            let Some((id, phones)) = key else {
                return (Vec::new(), Vec::new());
            };
            (
                db::orders_of(&id).await.unwrap_or_default(),
                db::orders_by_phones(&phones, &id).await.unwrap_or_default(),
            )
        }
    });
    // The stored orders, then changed in place by the form and the detail (they write first).
    Effect::new(move |_| {
        if let Some((mine, theirs)) = stored.get() {
            orders.set(mine);
            others.set(theirs);
        }
    });
    let row = move |order: Order| {
        let lang = state.lang.get();
        let total = order.totals().map(|t| t.total.format()).unwrap_or_default();
        let id = order.id.clone();
        let code = nobi_core::order::summary::order_code(&order.id);
        view! {
            <li data-testid="order-row" class="order-row" on:click=move |_| open.set(Some(id.clone()))>
                <b>"#" {code}</b>
                <span class=status_class(order.status) data-testid="order-status">{order.status.label(lang)}</span>
                <span class="money">{total}</span>
                <span class="muted small">{format_time(order.created_at)}</span>
            </li>
        }
    };
    view! {
        <section class="card" data-testid="orders">
            <h3>{move || t(Ui::Orders)}</h3>
            <ErrorLine error=error testid="order-error"/>
            {move || {
                if creating.get() {
                    let on_done = Callback::new(move |created: Option<Order>| {
                        creating.set(false);
                        from_chat.set(None);
                        if let Some(order) = created {
                            orders.update(|list| list.insert(0, order));
                        }
                    });
                    return crate::lazy::loaded(crate::lazy::order_form(on_done, from_chat.get_untracked())).into_any();
                }
                if let Some(id) = open.get() {
                    // Untracked: the detail follows `orders` itself; rebuilding it at each reload
                    // (team sync writes orders) would wipe what the agent is typing in it.
                    let order = orders.with_untracked(|l| l.iter().find(|o| o.id == id).cloned())
                        .or_else(|| others.with_untracked(|l| l.iter().find(|o| o.id == id).cloned()));
                    if let Some(order) = order {
                        let on_close = Callback::new(move |()| open.set(None));
                        return crate::lazy::loaded(crate::lazy::order_detail(order, orders, error, on_close)).into_any();
                    }
                }
                view! {
                    {move || {
                        let pending = orders.with(|l| l.iter().any(|o| o.status == OrderStatus::New));
                        auto_draft.get().filter(|_| !pending).map(|draft| view! {
                            <button class="chip add" data-testid="auto-draft-order" on:click=move |_| {
                                from_chat.set(Some(draft.clone()));
                                creating.set(true);
                            }>{t(Ui::DraftFromChat)}</button>
                        })
                    }}
                    <button class="primary" data-testid="create-order" on:click=move |_| creating.set(true)>{t(Ui::CreateOrder)}</button>
                    <Show when=move || orders.with(Vec::is_empty)>
                        <p class="muted small">{move || t(Ui::OrdersEmpty)}</p>
                    </Show>
                    <ul class="rows orders">
                        <For each=move || orders.get() key=|o| (o.id.clone(), o.updated_at) children=row/>
                    </ul>
                    <Show when=move || others.with(|o| !o.is_empty())>
                        <h4>{move || t(Ui::SamePhoneOrders)}</h4>
                        <ul class="rows orders" data-testid="same-phone-orders">
                            <For each=move || others.get() key=|o| (o.id.clone(), o.updated_at) children=move |o| {
                                let name = o.recipient.name.clone();
                                view! { <div class="muted small">{name}</div> {row(o)} }
                            }/>
                        </ul>
                    </Show>
                }.into_any()
            }}
        </section>
    }
}
