//! Small widgets and browser helpers shared by the pages and views: breadcrumbs, copy and
//! share links, error boxes, the relation picker, the login form, clipboard, messages shown
//! for a while, number
//! formatting, promise awaiting and the performance marks the browser tests read.

pub mod breadcrumbs;
pub mod clipboard;
pub mod copy_link;
pub mod error_box;
pub mod flash;
pub mod format;
pub mod js_future;
pub mod login_form;
pub mod perf;
pub mod relation_picker;
pub mod setref_toggle;
pub mod share_link;
pub mod text_copy;
