//! The `serve` command: checks what it was told (no public address without a token, the app's
//! folder), opens the store, loads the snapshots and dump files named, and serves the
//! [route table](super::router_with) until it is stopped.

use super::router_site;
use super::site::{PublicUrl, Site};
use crate::access::auth::Auth;
use crate::state::AppState;
use crate::store::{series, Store};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// What `heaplens serve` was told (see its `--help`).
pub struct Serve {
    /// Snapshot (or heapy dump) files to load.
    pub snapshots: Vec<PathBuf>,
    pub addr: SocketAddr,
    /// Folder of the built app (Trunk's dist).
    pub static_dir: Option<PathBuf>,
    /// The store's folder.
    pub data: Option<PathBuf>,
    /// Largest snapshot upload accepted, in bytes.
    pub max_upload: u64,
    /// Stop by itself after this many seconds.
    pub exit_after: Option<u64>,
    /// The access token, if any.
    pub token: Option<String>,
    /// Listen on a non-loopback address without a token.
    pub insecure_public: bool,
    /// Memory for indexed heaps, in bytes.
    pub memory_budget: u64,
    /// The origin browsers reach this server at, behind a proxy (`--public-url`).
    pub public_url: Option<String>,
    /// Seconds one analysis may run (`--work-budget`).
    pub work_budget: f64,
}

/// Runs the server until it is stopped (Ctrl-C, SIGTERM, `--exit-after`).
pub async fn serve(opts: Serve) -> Result<(), String> {
    let public = opts.public_url.as_deref().map(PublicUrl::parse).transpose()?;
    if !(opts.work_budget.is_finite() && opts.work_budget > 0.0 && opts.work_budget <= 86_400.0) {
        return Err(format!("--work-budget {}: give a number of seconds above 0 and at most 86400", opts.work_budget));
    }
    let work_budget = super::work::WorkBudget(std::time::Duration::from_secs_f64(opts.work_budget));
    let Serve {
        snapshots, addr, static_dir, data, max_upload, exit_after, token, insecure_public, memory_budget, ..
    } = opts;
    if !addr.ip().is_loopback() {
        if token.is_none() && !insecure_public {
            return Err(format!(
                "refusing to listen on {addr} without an access token: heaps hold secrets. Give --token \
                 (or HEAPLENS_TOKEN), listen on 127.0.0.1, or say --insecure-public"
            ));
        }
        if token.is_none() {
            tracing::warn!(
                "listening on {addr} without a token (--insecure-public): anyone who can reach it can read the heaps"
            );
        }
    }
    let key_file = data.as_ref().map(|d| d.join("secret.key"));
    if let Some(d) = &data {
        crate::store::storage::durable::create_dir_durable(d).map_err(|e| format!("--data {}: {e}", d.display()))?;
    }
    let auth = Auth::new(token, key_file.as_deref()).map_err(|e| format!("access: {e}"))?;
    if let Some(dir) = &static_dir {
        if !dir.join("index.html").is_file() {
            return Err(format!("--static {}: no index.html there (build the app first)", dir.display()));
        }
    }
    let store = match &data {
        Some(dir) => {
            let (store, recovery) =
                Store::open(dir, memory_budget).map_err(|e| format!("--data {}: {e}", dir.display()))?;
            if recovery != Default::default() {
                tracing::warn!(?recovery, "store repaired after an earlier crash or a lost database");
            }
            store
        }
        None => Store::new(None),
    };
    let store = Arc::new(store);
    let loader = store.clone();
    let loaded = tokio::task::spawn_blocking(move || -> Result<(), String> {
        if let Some(dir) = &data {
            std::fs::create_dir_all(dir).map_err(|e| format!("--data {}: {e}", dir.display()))?;
            for r in loader.add_dir(dir).map_err(|e| format!("--data {}: {e}", dir.display()))? {
                report(r);
            }
            series::add_dump_dir(&loader, dir).into_iter().for_each(report_series);
        }
        for path in &snapshots {
            if series::is_dump_file(path) {
                report_series(series::add_dump_file(&loader, path));
                continue;
            }
            report(
                loader
                    .add_file(path)
                    .map_err(|e| heaplens_engine::FormatError::Invalid(format!("{}: {e}", path.display()))),
            );
        }
        Ok(())
    });
    loaded.await.map_err(|e| e.to_string())??;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let site = Site::new(bound, public.clone());
    let app = router_site(AppState { store: store.clone(), max_upload }, static_dir, Arc::new(auth), site)
        .layer(axum::Extension(work_budget));
    let url = format!("http://{bound}/");
    if let Some(p) = &public {
        println!("heaplens: public URL {}/", p.origin);
    }
    println!("heaplens: serving {} snapshot(s) at {url}", store.list().snapshots.len());
    for s in store.list().snapshots {
        println!("heaplens:   {url}s/{}", s.id);
    }
    axum::serve(listener, app).with_graceful_shutdown(shutdown(exit_after)).await.map_err(|e| e.to_string())
}

fn report(r: Result<heaplens_wire::SnapshotInfo, heaplens_engine::FormatError>) {
    match r {
        Ok(info) => {
            tracing::info!(id = %info.id, objects = info.objects, size = info.total_size, "loaded {}", info.file)
        }
        Err(e) => tracing::error!("not loaded: {e}"),
    }
}

fn report_series(r: Result<heaplens_wire::SeriesInfo, String>) {
    match r {
        Ok(info) => tracing::info!(id = %info.id, samples = info.samples, "loaded heapy dump {}", info.name),
        Err(e) => tracing::error!("not loaded: {e}"),
    }
}

async fn shutdown(exit_after: Option<u64>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        #[cfg(unix)]
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    let timer = async {
        match exit_after {
            Some(secs) => tokio::time::sleep(std::time::Duration::from_secs(secs)).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
        _ = timer => tracing::info!("--exit-after elapsed; stopping"),
    }
}
