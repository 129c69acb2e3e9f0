//! Awaiting a JavaScript `Promise` from Rust without another crate: a one-shot future that
//! the promise's `then` callbacks complete.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use js_sys::Promise;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

#[derive(Default)]
struct Slot {
    value: Option<Result<JsValue, JsValue>>,
    waker: Option<Waker>,
}

/// A promise's outcome: `Ok(value)` when it resolved, `Err(reason)` when it was rejected.
pub struct PromiseFuture {
    slot: Rc<RefCell<Slot>>,
}

impl Future for PromiseFuture {
    type Output = Result<JsValue, JsValue>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.borrow_mut();
        match slot.value.take() {
            Some(v) => Poll::Ready(v),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Waits for `promise` (the callbacks are owned by JavaScript: nothing leaks).
pub fn await_promise(promise: &Promise) -> PromiseFuture {
    let slot = Rc::new(RefCell::new(Slot::default()));
    let settle = |slot: Rc<RefCell<Slot>>, ok: bool| {
        Closure::once_into_js(move |v: JsValue| {
            let waker = {
                let mut s = slot.borrow_mut();
                s.value = Some(if ok { Ok(v) } else { Err(v) });
                s.waker.take()
            };
            if let Some(w) = waker {
                w.wake();
            }
        })
    };
    let on_ok = settle(slot.clone(), true);
    let on_err = settle(slot.clone(), false);
    let then = js_sys::Reflect::get(promise, &JsValue::from_str("then"))
        .ok()
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
    match then {
        Some(then) => {
            if let Err(e) = then.call2(promise, &on_ok, &on_err) {
                slot.borrow_mut().value = Some(Err(e));
            }
        }
        None => slot.borrow_mut().value = Some(Err(JsValue::from_str("not a promise"))),
    }
    PromiseFuture { slot }
}
