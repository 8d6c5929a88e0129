//! An order's detail: status, payment, shipping, stock, and the summary sent to the buyer.

use super::{apply, by, save_action, status_class, touched, warehouses};
use crate::db;
use crate::db::store::{new_id, now};
use crate::state::use_app;
use crate::widgets::format::format_time;
use leptos::prelude::*;
use nobi_core::i18n::{ui, Ui};
use nobi_core::order::money::Vnd;
use nobi_core::order::order::{Carrier, Change, Order, OrderStatus, Shipping};
use nobi_core::order::summary::summary_text;
use nobi_core::protocol::{PanelToBackground, ThreadRef};

#[component]
pub fn OrderDetail(
    order: Order,
    orders: RwSignal<Vec<Order>>,
    error: RwSignal<Option<String>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let id = order.id.clone();
    // The current version of this order (changes replace it in `orders`).
    let current = Memo::new(move |_| orders.with(|l| l.iter().find(|o| o.id == id).cloned()));
    let fallback = order.clone();
    let get = move || current.get().unwrap_or_else(|| fallback.clone());
    let save = save_action(state, orders, error);
    // Deletes the order, its reserved stock released in the catalog that is written with it.
    let remove = Action::new_local(move |(order, catalog, products, _): &super::OrderWrite| {
        let (order, catalog, products) = (order.clone(), catalog.clone(), products.clone());
        async move {
            match db::delete_order(&order, &products).await {
                Ok(()) => {
                    state.catalog.set(catalog);
                    orders.update(|l| l.retain(|o| o.id != order.id));
                    on_close.try_run(());
                }
                Err(db::store::StoreError::Conflict) => {
                    error.set(Some(
                        ui(Ui::OrderChangedElsewhere, lang.get_untracked()).into(),
                    ));
                    state.orders_heard.update(|n| *n += 1);
                }
                Err(_) => error.set(Some(ui(Ui::SaveFailed, lang.get_untracked()).into())),
            }
        }
    });
    let cancel_reason = RwSignal::new(String::new());
    let tracking = RwSignal::new(order.shipping.tracking_code.clone().unwrap_or_default());
    let fee = RwSignal::new(order.shipping.fee.format());
    let carrier = RwSignal::new(order.shipping.carrier);
    let summary_state = RwSignal::new(None::<String>);
    let editing_recipient = RwSignal::new(false);
    let r_name = RwSignal::new(order.recipient.name.clone());
    let r_phone = RwSignal::new(order.recipient.phone.clone());
    let r_address = RwSignal::new(order.recipient.address.clone());
    let get_r = get.clone();
    let save_recipient = Callback::new(move |()| {
        let by = by(state);
        let lang = lang.get_untracked();
        let (name, phone, address) = (
            r_name.get_untracked(),
            r_phone.get_untracked(),
            r_address.get_untracked(),
        );
        editing_recipient.set(false);
        apply(state, save, error, get_r(), move |o, _| {
            let mut recipient = o.recipient.clone();
            if recipient.address.trim() != address.trim() {
                recipient.units = None; // the resolved units were those of the old text
            }
            recipient.name = name.trim().to_owned();
            recipient.phone = phone.trim().to_owned();
            recipient.address = address.trim().to_owned();
            o.set_recipient(recipient, now(), &by)
                .map_err(|e| e.message(lang))
        });
    });
    let get2 = get.clone();
    let get3 = get.clone();
    let get4 = get.clone();
    let get5 = get.clone();
    let get6 = get.clone();
    let get7 = get.clone();

    let set_status = Callback::new(move |to: OrderStatus| {
        let by = by(state);
        let lang = lang.get_untracked();
        apply(state, save, error, get2(), move |o, catalog| {
            o.set_status(to, now(), &by, catalog)
                .map_err(|e| e.message(lang))
        });
    });
    let cancel = Callback::new(move |()| {
        let reason = cancel_reason.get_untracked();
        let by = by(state);
        let lang = lang.get_untracked();
        apply(state, save, error, get3(), move |o, catalog| {
            o.cancel(&reason, now(), &by, catalog)
                .map_err(|e| e.message(lang))
        });
    });
    let save_shipping = move || {
        let lang = lang.get_untracked();
        let fee = match Vnd::parse(&fee.get_untracked()) {
            Ok(v) => v,
            Err(e) => {
                error.set(Some(e.message(lang)));
                return;
            }
        };
        let by = by(state);
        let code = tracking.get_untracked().trim().to_owned();
        let carrier = carrier.get_untracked();
        apply(state, save, error, get4(), move |o, _| {
            let shipping = Shipping {
                carrier,
                fee,
                tracking_code: (!code.is_empty()).then_some(code),
                ..o.shipping.clone()
            };
            o.set_shipping(shipping, now(), &by)
                .map_err(|e| e.message(lang))
        });
    };
    let set_warehouse = Callback::new(move |warehouse: String| {
        let by = by(state);
        let lang = lang.get_untracked();
        let stock = state.settings.with_untracked(|s| s.stock);
        apply(state, save, error, get5(), move |o, catalog| {
            o.set_warehouse(&warehouse, now(), &by, catalog, stock)
                .map_err(|e| e.message(lang))
        });
    });
    let delete = Callback::new(move |()| {
        let order = get6();
        if !deletable(order.status, state.team_connected()) {
            return;
        }
        leptos::task::spawn_local(async move {
            let before = super::fresh_catalog(state).await;
            let mut catalog = before.clone();
            if let Some(r) = &order.reservation {
                if let Err(e) = nobi_core::order::stock::release(&mut catalog, r) {
                    error.set(Some(e.message(lang.get_untracked())));
                    return;
                }
            }
            let products = touched(&before, &catalog);
            remove.dispatch((order, catalog, products, None));
        });
    });
    let summary = move || summary_text(&get7(), lang.get_untracked()).ok();
    // The summary goes through the outbox like any message; its state is shown here.
    let summary_id = RwSignal::new(None::<String>);
    let enqueue = Action::new_local(move |item: &nobi_core::outbox::NewItem| {
        let item = item.clone();
        async move {
            let id = item.id.clone();
            let request = PanelToBackground::Enqueue {
                item,
                files: Vec::new(),
            };
            if crate::state::ask_outbox(request, state.outbox).await {
                summary_id.set(Some(id));
            } else {
                summary_state.set(Some(
                    ui(Ui::WorkerUnreachable, lang.get_untracked()).to_owned(),
                ));
            }
        }
    });
    let send_summary = {
        let summary = summary.clone();
        move || {
            let Some(text) = summary() else { return };
            let Some((to, account)) = state.conversation.with_untracked(|c| {
                c.as_ref().map(|c| {
                    (
                        ThreadRef {
                            platform: c.platform,
                            thread_id: c.thread_id.clone(),
                        },
                        c.account.clone(),
                    )
                })
            }) else {
                return;
            };
            let id = new_id().0;
            let item = nobi_core::outbox::NewItem {
                id: id.clone(),
                to,
                account,
                text,
                attachments: Vec::new(),
                not_before: None,
            };
            summary_state.set(None);
            enqueue.dispatch(item);
        }
    };
    let summary_progress = move || {
        let id = summary_id.get()?;
        state.outbox.with(|o| {
            o.items.iter().find(|i| i.id == id).map(|i| match &i.state {
                nobi_core::outbox::ItemState::Sent { .. } => ui(Ui::Sent, lang.get()).to_owned(),
                nobi_core::outbox::ItemState::Failed { reason, .. }
                | nobi_core::outbox::ItemState::NeedsAgent { reason, .. } => {
                    nobi_core::i18n::fail_reason(*reason, lang.get()).to_owned()
                }
                _ => ui(Ui::Sending, lang.get()).to_owned(),
            })
        })
    };
    let copy_summary = move || {
        let Some(text) = summary() else { return };
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
            summary_state.set(Some(ui(Ui::Copied, lang.get_untracked()).to_owned()));
        }
    };
    let history_label = move |change: &Change| -> String {
        let l = lang.get();
        match change {
            Change::Created => ui(Ui::HistCreated, l).to_owned(),
            Change::Status { from, to } => format!(
                "{}: {} → {}",
                ui(Ui::HistStatus, l),
                from.label(l),
                to.label(l)
            ),
            Change::Cancelled { reason, .. } => format!("{}: {reason}", ui(Ui::HistCancelled, l)),
            Change::Lines { .. } => ui(Ui::HistLines, l).to_owned(),
            Change::Recipient { .. } => ui(Ui::HistRecipient, l).to_owned(),
            Change::Shipping { before, after } => format!(
                "{}: {} → {}",
                ui(Ui::HistShipping, l),
                before.fee.format(),
                after.fee.format()
            ),
            Change::Payment { .. } => ui(Ui::HistPayment, l).to_owned(),
            Change::Warehouse { from, to } => {
                format!("{}: {from} → {to}", ui(Ui::HistWarehouse, l))
            }
        }
    };
    let get_view = get.clone();
    let get_refusal = get.clone();
    view! {
        <div class="order-detail" data-testid="order-detail">
            <button class="link" data-testid="order-back" on:click=move |_| on_close.run(())>{move || t(Ui::Back)}</button>
            {move || {
                // Team mode: the server's last refusal of this order's change, if any.
                let id = get_refusal().id;
                let refusal = state.team.with(|v| {
                    v.as_ref()?.refusals.iter().rev().find(|r| r.order == id).cloned()
                })?;
                Some(view! { <p class="warn small" role="alert" data-testid="order-refusal">{refusal.message(lang.get())}</p> })
            }}
            {move || {
                let o = get_view();
                let l = lang.get();
                let totals = o.totals().ok();
                let status = o.status;
                view! {
                    <h4>"#" {nobi_core::order::summary::order_code(&o.id)} " "
                        <span class=status_class(status) data-testid="order-detail-status">{status.label(l)}</span>
                    </h4>
                    <ul class="rows small">
                        {o.lines.iter().map(|line| view! {
                            <li>{line.name.clone()} " × " {line.quantity} " · " {line.unit_price.format()}</li>
                        }).collect_view()}
                    </ul>
                    {totals.map(|tt| view! {
                        <p class="totals small">
                            {t(Ui::Total)} ": " <b data-testid="order-total">{tt.total.format()}</b>
                            " · " {t(Ui::Cod)} ": " {tt.cod.format()}
                        </p>
                    })}
                    <p class="small" data-testid="order-recipient">{o.recipient.name.clone()} " · " {nobi_core::phone::display(&o.recipient.phone)} " · " {o.recipient.address.clone()}
                        {nobi_core::order::order::Edit::Recipient.allowed_in(status).then(|| view! {
                            " " <button class="link" data-testid="edit-recipient" on:click=move |_| editing_recipient.update(|e| *e = !*e)>{t(Ui::Edit)}</button>
                        })}
                    </p>
                    <p class="small muted">{t(Ui::Warehouse)} ": " {o.warehouse.clone()}</p>
                    <div class="status-actions">
                        {status.next().iter().copied().filter(|s| *s != OrderStatus::Cancelled).map(|to| view! {
                            <button data-testid="order-next-status" on:click=move |_| set_status.run(to)>
                                {move || t(Ui::ChangeStatus)} " " {move || to.label(lang.get())}
                            </button>
                        }).collect_view()}
                    </div>
                    {status.next().contains(&OrderStatus::Cancelled).then(|| view! {
                        <div class="add-row">
                            <input data-testid="cancel-reason" placeholder=t(Ui::CancelReason)
                                prop:value=move || cancel_reason.get()
                                on:input=move |ev| cancel_reason.set(event_target_value(&ev))/>
                            <button data-testid="cancel-order" on:click=move |_| cancel.run(())>{t(Ui::CancelOrder)}</button>
                        </div>
                    })}
                    {nobi_core::order::order::Edit::Warehouse.allowed_in(status).then(|| view! {
                        <label>{t(Ui::Warehouse)}
                            <select data-testid="order-warehouse" on:change=move |ev| set_warehouse.run(event_target_value(&ev))>
                                {warehouses(state).into_iter().map(|w| {
                                    let selected = w == o.warehouse;
                                    view! { <option value=w.clone() selected=selected>{w.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    })}
                    {deletable(status, state.team_connected()).then(|| view! {
                        <button class="link danger" data-testid="delete-order" on:click=move |_| delete.run(())>{t(Ui::DeleteOrder)}</button>
                    })}
                }
            }}
            {move || editing_recipient.get().then(|| view! {
                <div class="grid2" data-testid="recipient-form">
                    <label>{t(Ui::RecipientName)}<input prop:value=move || r_name.get() on:input=move |ev| r_name.set(event_target_value(&ev))/></label>
                    <label>{t(Ui::RecipientPhone)}<input prop:value=move || r_phone.get() on:input=move |ev| r_phone.set(event_target_value(&ev))/></label>
                </div>
                <label>{t(Ui::RecipientAddress)}<textarea rows="2" prop:value=move || r_address.get() on:input=move |ev| r_address.set(event_target_value(&ev))></textarea></label>
                <button data-testid="save-recipient" on:click=move |_| save_recipient.run(())>{t(Ui::Save)}</button>
            })}
            <h4>{move || t(Ui::ShippingSection)}</h4>
            <div class="grid2">
                <label>{move || t(Ui::Carrier)}
                    <select data-testid="detail-carrier" on:change=move |ev| carrier.set(carrier_of(&event_target_value(&ev)))>
                        <option value="">{move || t(Ui::ChooseCarrier)}</option>
                        {Carrier::ALL.into_iter().map(|c| view! {
                            <option value=carrier_code(c) selected=move || carrier.get() == Some(c)>{move || c.label(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || t(Ui::ShippingFee)}
                    <input data-testid="detail-fee" class="money" prop:value=move || fee.get() on:input=move |ev| fee.set(event_target_value(&ev)) on:change=move |ev| fee.set(crate::widgets::reformat_money(&ev))/>
                </label>
                <label>{move || t(Ui::Tracking)}
                    <input data-testid="detail-tracking" prop:value=move || tracking.get() on:input=move |ev| tracking.set(event_target_value(&ev))/>
                </label>
            </div>
            <button data-testid="save-shipping" on:click=move |_| save_shipping()>{move || t(Ui::SaveShipping)}</button>
            <div class="add-row">
                {
                    let has_thread = move || state.conversation.with(|c| c.is_some());
                    let send = send_summary.clone();
                    view! {
                        <button data-testid="send-summary" disabled=move || !has_thread() on:click=move |_| send()>{move || t(Ui::SendSummary)}</button>
                    }
                }
                <button data-testid="copy-summary" on:click=move |_| copy_summary()>{move || t(Ui::CopySummary)}</button>
                <span class="status small" data-testid="summary-status">{move || summary_state.get().or_else(summary_progress)}</span>
            </div>
            <h4>{move || t(Ui::OrderHistory)}</h4>
            <ul class="history" data-testid="order-history">
                {move || get.clone()().history.iter().rev().map(|h| view! {
                    <li><span class="muted">{format_time(h.at)}</span> " " {history_label(&h.change)} " · " {h.by.clone()}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// Returns true if and only if an order in `status` may be deleted: a new or cancelled one, and
/// with a team server only a cancelled one (the server keeps what it has, and a new order's
/// stock would stay reserved there: cancelling gives it back).
fn deletable(status: OrderStatus, team: bool) -> bool {
    match status {
        OrderStatus::Cancelled => true,
        OrderStatus::New => !team,
        _ => false,
    }
}

pub(super) fn carrier_code(c: Carrier) -> &'static str {
    match c {
        Carrier::Ghtk => "ghtk",
        Carrier::Ghn => "ghn",
        Carrier::ViettelPost => "viettel_post",
        Carrier::JAndT => "j_and_t",
        Carrier::Spx => "spx",
        Carrier::NinjaVan => "ninja_van",
        Carrier::VnPost => "vn_post",
        Carrier::Best => "best",
        Carrier::AhaMove => "aha_move",
        Carrier::SelfDelivery => "self_delivery",
    }
}

pub(super) fn carrier_of(code: &str) -> Option<Carrier> {
    Carrier::ALL.into_iter().find(|c| carrier_code(*c) == code)
}
