//! What a campaign knows of each customer ([`nobi_campaign::audience::Facts`]), built from the
//! shop's records. Here because it reads customers, conversations and orders, which
//! `nobi-campaign` deliberately does not know (like [`crate::vars_for`] for templates).
//!
//! # Contract
//!
//! [`campaign_facts`] returns one [`Facts`] per customer, in the order given: its tags, phones
//! (normalised), e-mails and gender code; every thread the extension has seen with it (its
//! conversation records, then the thread ids of its identities that no record covers, with no
//! message time); its orders' status codes; and the last interaction, the latest buyer message
//! time of its conversations. Records of customers not in `customers` are ignored.

use nobi_campaign::audience::{ConversationFacts, Facts, OrderFacts};
use nobi_crm::{ConversationRecord, Customer, Gender};
use nobi_protocol::ThreadRef;
use std::collections::HashMap;

use crate::{Order, OrderStatus};

/// The wire code of a gender (`female`, `male`, `other`).
fn gender_code(gender: Gender) -> &'static str {
    match gender {
        Gender::Female => "female",
        Gender::Male => "male",
        Gender::Other => "other",
    }
}

/// The wire code of an order status (`new` … `cancelled`).
pub fn status_code(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::New => "new",
        OrderStatus::Confirmed => "confirmed",
        OrderStatus::Packing => "packing",
        OrderStatus::Shipping => "shipping",
        OrderStatus::Delivered => "delivered",
        OrderStatus::Returned => "returned",
        OrderStatus::Cancelled => "cancelled",
    }
}

fn millis(at: i64) -> u64 {
    at.max(0) as u64
}

/// The campaign facts of `customers` (see the module docs).
pub fn campaign_facts(
    customers: &[Customer],
    conversations: &[ConversationRecord],
    orders: &[Order],
) -> Vec<Facts> {
    let orders = orders.iter().filter_map(|o| {
        let customer = o.customer_id.as_deref()?;
        Some((
            customer,
            OrderFacts {
                status: status_code(o.status).to_owned(),
                created_at: millis(o.created_at),
            },
        ))
    });
    facts_with(customers, conversations, orders)
}

/// [`campaign_facts`] with each order already reduced to its customer and facts.
fn facts_with<'o>(
    customers: &[Customer],
    conversations: &[ConversationRecord],
    orders: impl IntoIterator<Item = (&'o str, OrderFacts)>,
) -> Vec<Facts> {
    let mut threads: HashMap<&str, Vec<&ConversationRecord>> = HashMap::new();
    for c in conversations {
        threads.entry(c.customer_id.as_str()).or_default().push(c);
    }
    let mut bought: HashMap<&str, Vec<OrderFacts>> = HashMap::new();
    for (customer, order) in orders {
        bought.entry(customer).or_default().push(order);
    }
    customers
        .iter()
        .map(|customer| {
            let records = threads
                .get(customer.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut seen: Vec<ConversationFacts> = records
                .iter()
                .map(|r| ConversationFacts {
                    to: ThreadRef {
                        platform: r.platform,
                        thread_id: r.thread_id.clone(),
                    },
                    account: r.account.clone(),
                    last_message_at: r.last_message_at.map(millis),
                    replied: r.replied,
                })
                .collect();
            for identity in &customer.identities {
                let Some(thread_id) = identity.thread_id.as_deref().filter(|t| !t.is_empty())
                else {
                    continue;
                };
                let known = seen
                    .iter()
                    .any(|c| c.to.platform == identity.platform && c.to.thread_id == thread_id);
                if !known {
                    seen.push(ConversationFacts {
                        to: ThreadRef {
                            platform: identity.platform,
                            thread_id: thread_id.to_owned(),
                        },
                        account: identity.account.clone(),
                        last_message_at: None,
                        replied: false,
                    });
                }
            }
            let last_interaction = seen.iter().filter_map(|c| c.last_message_at).max();
            Facts {
                customer_id: customer.id.as_str().to_owned(),
                name: customer.name.clone(),
                tags: customer
                    .tags
                    .iter()
                    .map(|t| t.as_str().to_owned())
                    .collect(),
                phones: customer.phones.iter().map(|p| p.number.clone()).collect(),
                emails: customer.emails.clone(),
                gender: customer.gender.map(|g| gender_code(g).to_owned()),
                created_at: millis(customer.created_at),
                last_interaction,
                conversations: seen,
                orders: bought.remove(customer.id.as_str()).unwrap_or_default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nobi_crm::{Id, Identity};
    use nobi_protocol::Platform;

    fn customer(id: &str) -> Customer {
        Customer {
            id: Id(id.into()),
            name: format!("Khách {id}"),
            created_at: 1_000,
            ..Default::default()
        }
    }

    #[test]
    fn threads_orders_and_codes_are_gathered_per_customer() {
        let mut lan = customer("lan");
        lan.gender = Some(Gender::Female);
        lan.add_phone("0912345678", nobi_crm::Source::Chat, 5);
        lan.identities.push(Identity {
            platform: Platform::Facebook,
            account: None,
            thread_id: Some("fb-1".into()),
            username: None,
            profile_url: None,
        });
        let record = |customer: &str, thread: &str| -> ConversationRecord {
            serde_json::from_value(serde_json::json!({
                "id": format!("instagram:{thread}"), "created_at": 1, "updated_at": 1,
                "platform": "instagram", "thread_id": thread, "account": "shop.a",
                "customer_id": customer, "last_message_at": 9_000, "replied": false,
            }))
            .unwrap()
        };
        let order = OrderFacts {
            status: "shipping".into(),
            created_at: 7_000,
        };
        let facts = facts_with(
            &[lan, customer("mai")],
            &[record("lan", "ig-1"), record("nobody", "x")],
            [("lan", order)],
        );
        assert_eq!(facts.len(), 2);
        let lan = &facts[0];
        assert_eq!(lan.gender.as_deref(), Some("female"));
        assert_eq!(lan.phones, vec!["0912345678"]);
        assert_eq!(lan.last_interaction, Some(9_000));
        assert_eq!(
            lan.conversations.len(),
            2,
            "the record, then the identity's thread"
        );
        assert_eq!(lan.conversations[0].account.as_deref(), Some("shop.a"));
        assert_eq!(lan.conversations[1].to.thread_id, "fb-1");
        assert_eq!(lan.orders[0].status, "shipping");
        let mai = &facts[1];
        assert!(
            mai.conversations.is_empty() && mai.orders.is_empty() && mai.last_interaction.is_none()
        );
    }

    #[test]
    fn status_codes_are_the_wire_codes() {
        for status in OrderStatus::ALL {
            let wire = serde_json::to_value(status).unwrap();
            assert_eq!(wire.as_str(), Some(status_code(status)));
        }
    }
}
