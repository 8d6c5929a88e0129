//! What the campaign screens read of the shop: every customer as campaign facts, and each one's
//! template values. Read once per screen (a [`LocalResource`]); the rules are core's
//! (`nobi_core::order::campaign_facts`, `nobi_core::template::vars_for`).

use crate::db;
use crate::db::store::{now, StoreError};
use nobi_core::campaign::audience::Facts;
use nobi_core::crm::{ConversationRecord, Customer};
use nobi_core::order::campaign_facts::campaign_facts;
use nobi_core::order::Order;
use nobi_core::protocol::{Platform, ThreadRef};
use nobi_core::template::{self, Vars};
use std::collections::HashMap;

/// The images `recipients` attach, each once, read from the media library for the campaign's
/// start; `None` when one of them is no longer in the library.
pub async fn campaign_files(
    recipients: &[nobi_core::protocol::campaign::Recipient],
) -> Option<Vec<nobi_core::protocol::campaign::CampaignFile>> {
    let mut wanted: Vec<String> = Vec::new();
    for a in recipients.iter().flat_map(|r| &r.attachments) {
        if !wanted.contains(a) {
            wanted.push(a.clone());
        }
    }
    let items = db::media::load(&wanted).await;
    (items.len() == wanted.len()).then(|| {
        items
            .iter()
            .map(|m| nobi_core::protocol::campaign::CampaignFile {
                media_id: m.id.as_str().to_owned(),
                file: db::media::to_attachment(m),
            })
            .collect()
    })
}

/// The shop as the campaign screens see it.
#[derive(Default)]
pub struct Shop {
    pub facts: Vec<Facts>,
    customers: HashMap<String, Customer>,
    /// Each customer's conversations, latest first (the one a message goes to names the shop in
    /// `{ten_shop}`).
    conversations: HashMap<String, Vec<ConversationRecord>>,
    /// Each customer's latest order (`{ma_don}`, `{tong_tien}`).
    orders: HashMap<String, Order>,
    /// The shop accounts seen in conversations, by platform.
    pub accounts: Vec<(Platform, String)>,
}

impl Shop {
    /// Reads customers, conversations and orders from the store.
    pub async fn load() -> Result<Shop, StoreError> {
        let (customers, conversations) = db::customers::everything().await?;
        let orders = db::store().all::<Order>().await?;
        let facts = campaign_facts(&customers, &conversations, &orders);
        let mut accounts: Vec<(Platform, String)> = Vec::new();
        for c in &conversations {
            if let Some(a) = c.account.as_ref().filter(|a| !a.trim().is_empty()) {
                if !accounts
                    .iter()
                    .any(|(p, known)| *p == c.platform && known == a)
                {
                    accounts.push((c.platform, a.clone()));
                }
            }
        }
        let mut by_customer: HashMap<String, Vec<ConversationRecord>> = HashMap::new();
        for c in conversations {
            by_customer
                .entry(c.customer_id.as_str().to_owned())
                .or_default()
                .push(c);
        }
        for list in by_customer.values_mut() {
            list.sort_by_key(|c| std::cmp::Reverse(c.updated_at));
        }
        let mut latest_order: HashMap<String, Order> = HashMap::new();
        for o in orders {
            let Some(key) = o.customer_id.clone() else {
                continue;
            };
            if latest_order
                .get(&key)
                .is_none_or(|known| known.created_at < o.created_at)
            {
                latest_order.insert(key, o);
            }
        }
        Ok(Shop {
            facts,
            customers: customers
                .into_iter()
                .map(|c| (c.id.as_str().to_owned(), c))
                .collect(),
            conversations: by_customer,
            orders: latest_order,
            accounts,
        })
    }

    /// The template values of customer `id` now, as the composer would fill them for a message
    /// in `thread` (its conversation names the shop; without it, the latest conversation).
    pub fn vars(&self, id: &str, thread: Option<&ThreadRef>, staff_name: Option<&str>) -> Vars {
        let conversations = self
            .conversations
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let conversation = thread
            .and_then(|t| {
                conversations
                    .iter()
                    .find(|c| c.platform == t.platform && c.thread_id == t.thread_id)
            })
            .or(conversations.first());
        template::vars_for(
            self.customers.get(id),
            conversation,
            staff_name,
            self.orders.get(id),
            now(),
        )
    }
}
