//! What features derive from one loaded heap and keep (e.g. the retained sizes of partition
//! rows): one value per type, made on first use, dropped with the heap it describes (an
//! unloaded or deleted snapshot takes its caches with it).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A loaded heap's caches, one per type `T` (the feature's own cache type).
#[derive(Default)]
pub struct Caches {
    by_type: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Caches {
    /// The cache of type `T`, made empty on first use.
    pub fn get<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let mut map = self.by_type.lock().unwrap_or_else(|e| e.into_inner());
        let any = map.entry(TypeId::of::<T>()).or_insert_with(|| Arc::new(T::default())).clone();
        any.downcast::<T>().unwrap_or_else(|_| unreachable!("caches are keyed by their type"))
    }
}
