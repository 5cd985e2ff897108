//! One component per screen. They read `ConnectFlow` signals and call its methods; the
//! flow decides, the components only show.

mod api_key_form;
mod app_card;
mod app_list;
mod connect_page;
mod modal;
mod result_prompt;
mod screens;
mod waiting;

pub use connect_page::ConnectPage;
pub use modal::Modal;
