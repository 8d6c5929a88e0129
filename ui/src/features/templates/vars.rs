//! The variables of the open customer, for the composer and the template preview.

use crate::db::store::now;
use crate::db::templates::latest_order;
use crate::state::AppState;
use leptos::prelude::*;
use nobi_core::i18n::Ui;
use nobi_core::order::Order;
use nobi_core::template::{self, Vars};

/// [`template::vars_for`] from the card's signals (read tracked, so a view that calls it follows the
/// customer), with `order` as the latest order.
pub fn vars_for_state(state: AppState, order: Option<&Order>) -> Vars {
    let me = state.settings.with(|s| s.me.clone());
    let staff_name = me.and_then(|me| {
        state
            .staff
            .with(|staff| staff.iter().find(|s| s.id == me).map(|s| s.name.clone()))
    });
    state.customer.with(|customer| {
        state.conversation.with(|conversation| {
            template::vars_for(
                customer.as_ref(),
                conversation.as_ref(),
                staff_name.as_deref(),
                order,
                now(),
            )
        })
    })
}

/// The variables for the open customer now, latest order included (one store read). For the
/// composer, right before it renders a picked template.
pub async fn current_vars(state: AppState) -> Vars {
    let customer = state
        .customer
        .with_untracked(|c| c.as_ref().map(|c| c.id.clone()));
    let order = match customer {
        Some(id) => latest_order(&id).await,
        None => None,
    };
    untrack(|| vars_for_state(state, order.as_ref()))
}

/// The label of a variable in the "insert variable" menu.
pub fn variable_label(name: &str) -> Ui {
    match name {
        "ten_khach" => Ui::VarTenKhach,
        "sdt" => Ui::VarSdt,
        "dia_chi" => Ui::VarDiaChi,
        "tong_tien" => Ui::VarTongTien,
        "ma_don" => Ui::VarMaDon,
        "phi_ship" => Ui::VarPhiShip,
        "ten_shop" => Ui::VarTenShop,
        "nhan_vien" => Ui::VarNhanVien,
        _ => Ui::VarNgay,
    }
}
