//! A message shown for a while ("✓ Link copied", an export's status line): set, it clears
//! itself after its time unless set again meanwhile.

use std::time::Duration;

use leptos::prelude::*;

/// A value shown for `ttl`: [`Flash::show`] sets it; it goes back to `None` `ttl` after the
/// last `show`.
pub struct Flash<T: Send + Sync + 'static> {
    value: RwSignal<Option<T>>,
    generation: StoredValue<u32>,
    ttl: Duration,
}

impl<T: Send + Sync + 'static> Clone for Flash<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Flash<T> {}

impl<T: Send + Sync + 'static> Flash<T> {
    pub fn new(ttl: Duration) -> Self {
        Flash { value: RwSignal::new(None), generation: StoredValue::new(0), ttl }
    }

    /// Shows `v` (tracked readers update) until `ttl` after this call, unless shown again.
    pub fn show(&self, v: T) {
        self.value.set(Some(v));
        let (value, generation) = (self.value, self.generation);
        let n = generation.get_value() + 1;
        generation.set_value(n);
        set_timeout(
            move || {
                if generation.try_get_value() == Some(n) {
                    value.try_set(None);
                }
            },
            self.ttl,
        );
    }

    /// What is shown now (tracked).
    pub fn get(&self) -> Option<T>
    where
        T: Clone,
    {
        self.value.get()
    }
}
