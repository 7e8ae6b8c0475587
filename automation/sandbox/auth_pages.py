"""The HTML of the sign-in pages (ref §4): e-mail and password, captcha, e-mailed verification code,
one-time code, account picker.

Ids, names and texts follow docs/sandbox-pages.md so that an agent configured for the real pages'
landmarks finds them here too.
"""

from __future__ import annotations

from automation.sandbox.context import SandboxContext
from automation.sandbox.layout import document, esc


def _box(ctx: SandboxContext, title: str, inner: str) -> str:
    body = (
        '<div class="ap-page"><div class="ap-logo">amazon <span>seller central</span></div>'
        f'<div class="a-box ap-box">{inner}</div></div>'
    )
    return document(ctx, title, body, scripts=("sc.js",), body_class="ap-body")


def _error_box(ctx: SandboxContext, message: str | None) -> str:
    if not message:
        return ""
    return (
        '<div id="auth-error-message-box" class="a-alert a-alert-error" role="alert">'
        f'<h4 class="a-alert-heading">{esc(ctx.texts("common.error_heading"))}</h4>'
        f'<div class="a-alert-content">{esc(message)}</div></div>'
    )


def signin_page(ctx: SandboxContext, *, return_to: str, email: str = "", error: str | None = None) -> str:
    t = ctx.texts
    inner = (
        f"<h1>{esc(t('signin.heading'))}</h1>{_error_box(ctx, error)}"
        '<form name="signIn" method="post" action="/ap/signin" novalidate>'
        f'<input type="hidden" name="openid.return_to" value="{esc(return_to)}">'
        f'<label for="ap_email">{esc(t("signin.email"))}</label>'
        f'<input id="ap_email" name="email" type="email" autocomplete="username" value="{esc(email)}">'
        f'<label for="ap_password">{esc(t("signin.password"))}</label>'
        '<input id="ap_password" name="password" type="password" autocomplete="current-password">'
        f'<input id="signInSubmit" class="a-button-primary" type="submit" value="{esc(t("signin.submit"))}">'
        '<div class="ap-remember"><input id="rememberMe" name="rememberMe" type="checkbox" value="true">'
        f'<label for="rememberMe">{esc(t("signin.remember_me"))}</label></div></form>'
    )
    return _box(ctx, t("signin.title"), inner)


def captcha_page(ctx: SandboxContext, *, image_url: str, error: str | None = None) -> str:
    t = ctx.texts
    inner = (
        f"<h4>{esc(t('captcha.heading'))}</h4>{_error_box(ctx, error)}"
        '<form name="captcha" method="post" action="/ap/captcha" novalidate>'
        f'<img id="auth-captcha-image" src="{esc(image_url)}" width="240" height="70">'
        f'<label for="auth-captcha-guess">{esc(t("captcha.guess_label"))}</label>'
        '<input id="auth-captcha-guess" name="guess" type="text" autocomplete="off">'
        '<input id="auth-captcha-submit" class="a-button-primary" type="submit" '
        f'value="{esc(t("captcha.submit"))}">'
        "</form>"
    )
    return _box(ctx, t("captcha.title"), inner)


def cvf_page(ctx: SandboxContext, *, sent_to: str, error: str | None = None) -> str:
    """ "Verify it's you": the code Amazon e-mailed (ids of the real CVF page, ref §4)."""
    t = ctx.texts
    inner = (
        f'<div id="cvf-page-content"><h1>{esc(t("cvf.heading"))}</h1>{_error_box(ctx, error)}'
        f'<p class="cvf-instructions">{esc(t("cvf.instructions", email=sent_to))}</p>'
        '<form name="cvf" id="verification-code-form" method="post" action="/ap/cvf/verify" novalidate>'
        f'<label for="cvf-input-code">{esc(t("cvf.code_label"))}</label>'
        '<input id="cvf-input-code" name="code" type="text" inputmode="numeric" maxlength="6" '
        'autocomplete="one-time-code">'
        '<input id="cvf-submit-otp-button" class="a-button-primary" type="submit" '
        f'value="{esc(t("cvf.submit"))}">'
        "</form></div>"
    )
    return _box(ctx, t("cvf.title"), inner)


def mfa_page(ctx: SandboxContext, *, error: str | None = None) -> str:
    t = ctx.texts
    inner = (
        f"<h1>{esc(t('mfa.heading'))}</h1>{_error_box(ctx, error)}<p>{esc(t('mfa.instructions'))}</p>"
        '<form name="mfa" method="post" action="/ap/mfa" novalidate>'
        f'<label for="auth-mfa-otpcode">{esc(t("mfa.code_label"))}</label>'
        '<input id="auth-mfa-otpcode" name="otpCode" type="text" inputmode="numeric" maxlength="6" '
        'autocomplete="one-time-code">'
        '<div class="ap-remember"><input id="auth-mfa-remember-device" name="rememberDevice" type="checkbox" '
        f'value="true"><label for="auth-mfa-remember-device">{esc(t("mfa.remember_device"))}</label></div>'
        '<input id="auth-signin-button" class="a-button-primary" type="submit" '
        f'value="{esc(t("mfa.submit"))}">'
        "</form>"
    )
    return _box(ctx, t("mfa.title"), inner)


def picker_page(ctx: SandboxContext, *, return_to: str) -> str:
    t = ctx.texts
    buttons = "".join(
        f'<button type="button" class="picker-button" aria-pressed="false" data-store-index="{i}">'
        f'<span class="picker-name">{esc(name)}</span></button>'
        for i, name in enumerate(ctx.stores)
    )
    inner = (
        f"<h1>{esc(t('picker.heading'))}</h1><p>{esc(t('picker.instructions'))}</p>"
        '<form id="picker-form" method="post" action="/authorization/select-account">'
        f'<input type="hidden" name="returnTo" value="{esc(return_to)}">'
        '<input type="hidden" name="store" id="picker-store" value="">'
        f'<div id="picker-container">{buttons}</div>'
        '<button type="submit" class="picker-switch-accounts-button a-button-primary" disabled>'
        f"{esc(t('picker.submit'))}</button></form>"
    )
    return _box(ctx, t("picker.title"), inner)
