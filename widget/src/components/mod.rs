//! One component per screen, or per part of one. They read `ConnectFlow` signals and call
//! its methods; the flow decides, the components only show.

mod account_list;
mod api_key_form;
mod app_card;
mod app_list;
mod category_tabs;
mod connect_page;
mod modal;
mod result_prompt;
mod screens;
mod search_box;
mod waiting;

pub use connect_page::ConnectPage;
pub use modal::Modal;
