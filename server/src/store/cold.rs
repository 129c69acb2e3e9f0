//! Cold loads from a request: a heap in memory is answered at once; one unloaded under the
//! memory budget is read and indexed again off the async threads ([`Store::get`] makes
//! that a single flight per snapshot), at most [`super::CONCURRENT_LOADS`] at a time.

use super::{Loaded, Store};
use std::sync::Arc;

/// The heap of snapshot `id` (`None`: no such snapshot, or it cannot be read again); `Err`
/// only when the load task itself failed.
pub async fn get(store: &Arc<Store>, id: &str) -> Result<Option<Arc<Loaded>>, String> {
    if store.peek(id).is_some() || !store.contains(id) {
        return Ok(store.get(id));
    }
    let _permit = store.loads.acquire().await.map_err(|e| e.to_string())?;
    let (store, key) = (store.clone(), id.to_owned());
    tokio::task::spawn_blocking(move || store.get(&key)).await.map_err(|e| format!("load task failed: {e}"))
}
