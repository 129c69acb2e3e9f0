//! Wire types of series (heapy's profile browser, `hp.pb()`) and heapy dump packages.
//!
//! * `GET /api/series` → [`SeriesList`]
//! * `GET /api/series/{id}?by=RELATION&measure=size|count&k=N` → [`SeriesView`]
//! * `GET /api/series/{id}/packages/{n}` → [`PackageView`] (sample `n`'s table)
//! * `GET /api/series/{id}/diff?a=I&b=J` → [`PackageView`] (heapy's `A - B`, `DiffFormat`)
//! * `GET /api/snapshots/{id}/heapy-dump?q=QUERY&by=RELATION` → one heapy dump package (text)
//! * `POST /api/snapshots` with a heapy dump file as body → [`SeriesInfo`] (201)

use serde::{Deserialize, Serialize};

/// A series: the packages of one heapy dump file, or the snapshots of one process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesInfo {
    /// Id used in URLs.
    pub id: String,
    pub name: String,
    /// `dump` (a heapy dump file) or `snapshots` (snapshots of one process).
    pub source: String,
    /// The dump's file name (`dump` series).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The snapshot ids, in time order (`snapshots` series).
    #[serde(default)]
    pub snapshots: Vec<String>,
    pub samples: u64,
    /// First and last sample time, Unix seconds.
    pub first_time: f64,
    pub last_time: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesList {
    pub series: Vec<SeriesInfo>,
}

/// One sample of a series: its time and totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesSample {
    pub index: u32,
    /// heapy's `.timemade` (a snapshot's capture time), Unix seconds.
    pub timemade: f64,
    pub count: i64,
    pub size: i64,
    /// The package's format: `SetFormat`, `IdFormat` or `DiffFormat`.
    pub format: String,
    pub kindheader: String,
    /// The snapshot id (`snapshots` series).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
}

/// A series with its top kinds: `values[i][j]` is `[count, size]` of `kinds[j]` in sample
/// `i`; the last kind may be `<Other>` (every other kind).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesView {
    pub info: SeriesInfo,
    /// The relation each snapshot was partitioned by (`snapshots` series).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// `size` or `count`: what the kinds are ranked by.
    pub measure: String,
    pub kinds: Vec<String>,
    pub samples: Vec<SeriesSample>,
    pub values: Vec<Vec<[i64; 2]>>,
}

/// One row of a package, with heapy's cumulative size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageRow {
    pub index: u32,
    pub count: i64,
    pub size: i64,
    pub cumulative: i64,
    pub label: String,
}

/// One package (a loaded heapy `Stat`): headers, rows and guppy's printed text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageView {
    pub index: u32,
    pub format: String,
    pub timemade: f64,
    pub count: i64,
    pub size: i64,
    pub kindname: String,
    pub kindheader: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b_size: Option<i64>,
    /// heapy's title (several lines for a difference).
    pub title: String,
    /// heapy's row header line(s).
    pub header: String,
    pub rows: Vec<PackageRow>,
    /// The whole table as guppy prints the loaded `Stat` (ten rows and `_.more` beyond eleven).
    pub text: String,
}
