//! `heaplens`: serve snapshots to the browser app, or print heapy's tables in a terminal.

mod bench;

use clap::{Parser, Subcommand};
use heaplens_server::api::{router, AppState};
use heaplens_server::store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "heaplens", version, about = "A visual heap browser for Python, modelled on guppy3's heapy")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve snapshots and the browser app over HTTP.
    Serve {
        /// Snapshot files to load.
        snapshots: Vec<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:7878")]
        addr: SocketAddr,
        /// Folder of the built app (Trunk's dist); without it only /api is served.
        #[arg(long = "static")]
        static_dir: Option<PathBuf>,
        /// Folder whose *.hls snapshots are loaded, and where uploads are kept.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Largest snapshot upload accepted, in bytes.
        #[arg(long, default_value_t = 4 << 30)]
        max_upload: u64,
        /// Stop by itself after this many seconds (for tests and demos).
        #[arg(long)]
        exit_after: Option<u64>,
    },
    /// Print heapy's partition table of a snapshot, e.g. `heaplens table x.hls --by type`.
    Table {
        snapshot: PathBuf,
        /// Relation to partition by: clodo (default), type, size, module.
        #[arg(long)]
        by: Option<String>,
        /// Query selecting the set, e.g. `heap.byclodo[2]`.
        #[arg(long, default_value = "heap")]
        query: String,
        /// Print every row instead of heapy's first ten.
        #[arg(long)]
        all: bool,
        /// Print the rows as JSON.
        #[arg(long)]
        json: bool,
        /// Append the table to this heapy dump file (as heapy's `.dump()` appends) instead of printing it.
        #[arg(long, value_name = "OUT")]
        heapy_dump: Option<PathBuf>,
    },
    /// heapy dump files (`.dump()` / `hp.load()`): `heaplens heapy-dump show FILE`.
    #[command(subcommand)]
    HeapyDump(HeapyDumpCommand),
    /// Time load, index, every relation's whole-heap partition and a query (benchmarks).
    Bench {
        snapshot: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The drill-down query to time (default `heap.byclodo[0].byrcs[0].bytype`).
        #[arg(long)]
        query: Option<String>,
        /// Time each partition this many times and report the best and the median.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
    /// Write a synthetic snapshot of N objects (realistic mix of kinds, degrees, edge names).
    Synth {
        objects: u64,
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum HeapyDumpCommand {
    /// Print a package's table as guppy prints `hp.load(FILE)` (the first package by default).
    Show {
        file: PathBuf,
        /// The package to print (0-based, in file order).
        #[arg(long, conflicts_with = "all")]
        package: Option<usize>,
        /// Print every package, separated by blank lines.
        #[arg(long)]
        all: bool,
        /// Print every row (heapy's `.all`) instead of the first ten.
        #[arg(long)]
        all_rows: bool,
        /// Print the packages as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Prints a command's output; a closed pipe (`heaplens table x.hls | head`) is not an error.
fn print_out(text: &str) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("heaplens: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Table { snapshot, by, query, heapy_dump: Some(out), .. } => {
            match heaplens_server::cli_heapydump::table_dump(&snapshot, &query, by.as_deref(), &out) {
                Ok(line) => print_out(&line),
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Command::HeapyDump(HeapyDumpCommand::Show { file, package, all, all_rows, json }) => {
            use heaplens_server::cli_heapydump::{show, Which};
            let which = if all { Which::All } else { package.map_or(Which::First, Which::Nth) };
            match show(&file, which, all_rows, json) {
                Ok(text) => print_out(&text),
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Table { snapshot, by, query, all, json, heapy_dump: None } => {
            match heaplens_server::cli::table(&snapshot, &query, by.as_deref(), all, json) {
                Ok(text) => print_out(&text),
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Bench { snapshot, json, query, repeat } => match bench::bench(&snapshot, query.as_deref(), repeat) {
            Ok(report) if json => print_out(&report.to_string()),
            Ok(report) => print_out(&bench::bench_text(&report)),
            Err(msg) => {
                eprintln!("heaplens: {msg}");
                ExitCode::from(2)
            }
        },
        Command::Synth { objects, out, seed } => match bench::synth(objects, &out, seed) {
            Ok(line) => print_out(&line),
            Err(msg) => {
                eprintln!("heaplens: {msg}");
                ExitCode::from(2)
            }
        },
        Command::Serve { snapshots, addr, static_dir, data, max_upload, exit_after } => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
                )
                .init();
            let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
            match runtime.block_on(serve(snapshots, addr, static_dir, data, max_upload, exit_after)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(msg) => {
                    eprintln!("heaplens: {msg}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

async fn serve(
    snapshots: Vec<PathBuf>,
    addr: SocketAddr,
    static_dir: Option<PathBuf>,
    data: Option<PathBuf>,
    max_upload: u64,
    exit_after: Option<u64>,
) -> Result<(), String> {
    if !addr.ip().is_loopback() {
        tracing::warn!(
            "listening on {addr}, which is not a loopback address: anyone who can reach it can read the heaps"
        );
    }
    if let Some(dir) = &static_dir {
        if !dir.join("index.html").is_file() {
            return Err(format!("--static {}: no index.html there (build the app first)", dir.display()));
        }
    }
    let store = Arc::new(Store::new(data.clone()));
    let loader = store.clone();
    let loaded = tokio::task::spawn_blocking(move || -> Result<(), String> {
        if let Some(dir) = &data {
            std::fs::create_dir_all(dir).map_err(|e| format!("--data {}: {e}", dir.display()))?;
            for r in loader.add_dir(dir).map_err(|e| format!("--data {}: {e}", dir.display()))? {
                report(r);
            }
            heaplens_server::series::add_dump_dir(&loader, dir).into_iter().for_each(report_series);
        }
        for path in &snapshots {
            if heaplens_server::series::is_dump_file(path) {
                report_series(heaplens_server::series::add_dump_file(&loader, path));
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
    let app = router(AppState { store: store.clone(), max_upload }, static_dir);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let url = format!("http://{}/", listener.local_addr().map_err(|e| e.to_string())?);
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
