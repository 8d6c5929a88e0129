//! The IndexedDB schema as data, with its versions.
//!
//! The panel's upgrade handler does nothing but apply [`steps`] from the stored version to
//! [`VERSION`], so the schema's whole history is here and tested: from any old version, the steps
//! reach exactly the stores and indexes of [`latest`]. A step that changes records names the store
//! to rewrite, and the rewrite is a plain function ([`migrate_customer`]).

/// The current schema version. Bump it and add a `match` arm in [`steps`]; never edit an old arm.
pub const VERSION: u32 = 6;

/// The IndexedDB database name.
pub const DB_NAME: &str = "nobi-pro";

pub const CUSTOMERS: &str = "customers";
pub const CONVERSATIONS: &str = "conversations";
pub const ORDERS: &str = "orders";
pub const PRODUCTS: &str = "products";
pub const TEMPLATES: &str = "templates";
pub const TAGS: &str = "tags";
pub const STAFF: &str = "staff";
pub const HISTORY: &str = "history";
pub const SETTINGS: &str = "settings";
pub const COMBOS: &str = "combos";
/// Images of the media library (templates and the composer attach them).
pub const MEDIA: &str = "media";
/// The append-only change log (auto-increment keys). **Invariant:** never pruned, so its length
/// is the key of its last entry (the list's stored index counts on it, see [`SNAPSHOTS`]).
pub const CHANGES: &str = "changes";
/// Derived data kept to open screens fast, rebuilt from the records when missing or stale: the
/// list's search index (`crm::search::Index::to_snapshot`). Not exported, not restored.
pub const SNAPSHOTS: &str = "snapshots";
/// The team server's sync state (`nobi_sync::SyncState` and who the agent is), one record `state`,
/// written by the service worker in the same transaction as the pulled rows it applies. Not a
/// record store: never exported, never restored, never cleared by a restore.
pub const SYNC: &str = "sync";

/// Every store holding records with an `id`, in export order.
pub const RECORD_STORES: [&str; 11] = [
    SETTINGS,
    STAFF,
    TAGS,
    CUSTOMERS,
    CONVERSATIONS,
    HISTORY,
    PRODUCTS,
    COMBOS,
    ORDERS,
    TEMPLATES,
    MEDIA,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexSpec {
    pub store: &'static str,
    pub name: &'static str,
    pub key_path: &'static str,
    /// One index entry per element of an array property.
    pub multi_entry: bool,
}

/// One step of an upgrade, applied in order inside the version-change transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// A store keyed by `id`, or auto-increment keys when `auto_increment`.
    CreateStore {
        name: &'static str,
        auto_increment: bool,
    },
    CreateIndex(IndexSpec),
    /// Read every customer record, pass it through [`migrate_customer`], write it back. The
    /// step names its record type, not a store: a rewrite can never decode one store's records
    /// as another's type (an order read as a `Customer` would be written back as one). A new
    /// rewrite of another store is a new variant with its own migration function.
    RewriteCustomers {
        from: u32,
    },
}

/// The steps that take a database at version `from` (0 = new) to [`VERSION`].
pub fn steps(from: u32) -> Vec<Step> {
    let mut out = Vec::new();
    for version in from + 1..=VERSION {
        match version {
            1 => {
                // Spelled out: this arm must not change when a later version adds a store.
                for name in [
                    SETTINGS,
                    STAFF,
                    TAGS,
                    CUSTOMERS,
                    CONVERSATIONS,
                    HISTORY,
                    PRODUCTS,
                    ORDERS,
                    TEMPLATES,
                ] {
                    out.push(Step::CreateStore {
                        name,
                        auto_increment: false,
                    });
                }
                out.push(Step::CreateStore {
                    name: CHANGES,
                    auto_increment: true,
                });
                let index = |store, name, key_path, multi_entry| {
                    Step::CreateIndex(IndexSpec {
                        store,
                        name,
                        key_path,
                        multi_entry,
                    })
                };
                out.extend([
                    index(CUSTOMERS, "by_identity", "identity_keys", true),
                    index(CUSTOMERS, "by_updated", "updated_at", false),
                    index(CONVERSATIONS, "by_customer", "customer_id", false),
                    index(CONVERSATIONS, "by_updated", "updated_at", false),
                    index(ORDERS, "by_customer", "customer_id", false),
                    index(HISTORY, "by_customer", "customer_id", false),
                ]);
            }
            2 => {
                // Version 2 finds customers by phone ("orders of other customers with the same
                // phone"); version-1 records have no `phone_keys`, so they are rewritten.
                out.push(Step::CreateIndex(IndexSpec {
                    store: CUSTOMERS,
                    name: "by_phone",
                    key_path: "phone_keys",
                    multi_entry: true,
                }));
                out.push(Step::RewriteCustomers { from: 1 });
            }
            3 => {
                // Version 3: combos get a store of their own, and orders are found by the
                // recipient's phone ("orders of other customers with the same phone").
                out.push(Step::CreateStore {
                    name: COMBOS,
                    auto_increment: false,
                });
                out.push(Step::CreateIndex(IndexSpec {
                    store: ORDERS,
                    name: "by_phone",
                    key_path: "recipient.phone",
                    multi_entry: false,
                }));
            }
            4 => {
                // Version 4: the media library, browsed by folder.
                out.push(Step::CreateStore {
                    name: MEDIA,
                    auto_increment: false,
                });
                out.push(Step::CreateIndex(IndexSpec {
                    store: MEDIA,
                    name: "by_folder",
                    key_path: "folder",
                    multi_entry: false,
                }));
            }
            5 => {
                // Version 5: the list's search index, stored so that opening the list does not
                // decode every customer.
                out.push(Step::CreateStore {
                    name: SNAPSHOTS,
                    auto_increment: false,
                });
            }
            6 => {
                // Version 6: team sync's state, beside the records it describes.
                out.push(Step::CreateStore {
                    name: SYNC,
                    auto_increment: false,
                });
            }
            _ => unreachable!("no steps for schema version {version}"),
        }
    }
    out
}

/// The stores and indexes of the current version, as a fresh database has them.
pub fn latest() -> (Vec<&'static str>, Vec<IndexSpec>) {
    let mut stores = Vec::new();
    let mut indexes = Vec::new();
    for step in steps(0) {
        match step {
            Step::CreateStore { name, .. } => stores.push(name),
            Step::CreateIndex(spec) => indexes.push(spec),
            Step::RewriteCustomers { .. } => {}
        }
    }
    stores.sort_unstable();
    indexes.sort_unstable();
    (stores, indexes)
}

/// Brings a customer record written by schema version `from` to the current shape.
pub fn migrate_customer(mut customer: super::Customer, from: u32) -> super::Customer {
    if from < 2 {
        customer.refresh_keys();
    }
    customer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Customer, Id, PhoneEntry, Source};

    /// Applies steps to a model of a database (store names, index specs).
    fn apply(db: &mut (Vec<&'static str>, Vec<IndexSpec>), steps: &[Step]) -> Result<(), String> {
        for step in steps {
            match *step {
                Step::CreateStore { name, .. } => {
                    if db.0.contains(&name) {
                        return Err(format!("store {name} created twice"));
                    }
                    db.0.push(name);
                }
                Step::CreateIndex(spec) => {
                    if !db.0.contains(&spec.store) {
                        return Err(format!("index on missing store {}", spec.store));
                    }
                    if db
                        .1
                        .iter()
                        .any(|i| i.store == spec.store && i.name == spec.name)
                    {
                        return Err(format!("index {} created twice", spec.name));
                    }
                    db.1.push(spec);
                }
                Step::RewriteCustomers { .. } => {
                    if !db.0.contains(&CUSTOMERS) {
                        return Err(format!("rewrite of missing store {CUSTOMERS}"));
                    }
                }
            }
        }
        db.0.sort_unstable();
        db.1.sort_unstable();
        Ok(())
    }

    #[test]
    fn every_old_version_upgrades_to_the_latest_schema() {
        for from in 0..VERSION {
            // The database as version `from` left it...
            let mut db = (Vec::new(), Vec::new());
            apply(&mut db, &steps(0)[..steps(0).len() - steps(from).len()]).unwrap();
            // ...then upgraded.
            apply(&mut db, &steps(from)).unwrap();
            assert_eq!(db, latest(), "upgrade from version {from}");
        }
        assert!(steps(VERSION).is_empty());
    }

    #[test]
    fn version_one_customers_gain_phone_keys() {
        // A record as version 1 wrote it: no phone_keys field at all.
        let v1 = r#"{"id":"c1","created_at":1,"updated_at":1,"name":"Lan",
            "phones":[{"number":"0912345678","primary":true,"added_at":1}],
            "identities":[{"platform":"instagram","username":"Lan.Nguyen"}],
            "identity_keys":["ig:u:lan.nguyen"]}"#;
        let customer: Customer = serde_json::from_str(v1).unwrap();
        assert!(customer.phone_keys.is_empty());
        let migrated = migrate_customer(customer, 1);
        assert_eq!(migrated.phone_keys, vec!["0912345678"]);
        assert_eq!(migrated.identity_keys, vec!["ig:u:lan.nguyen"]);
        // A current record is left alone.
        let mut current = Customer {
            id: Id("c2".into()),
            ..Customer::default()
        };
        current.phones.push(PhoneEntry {
            number: "0987654321".into(),
            primary: true,
            source: Source::Chat,
            added_at: 2,
        });
        assert_eq!(migrate_customer(current.clone(), VERSION), current);
    }
}
