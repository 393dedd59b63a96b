"""Who may read and who may write each URL of Tillit: an access matrix.

Every URL pattern of the URL conf (walked through every include and namespace)
must have a row in TABLE, and every row a URL: a new URL fails
test_every_url_has_a_row until it is added. Each row is asked by each role, on
a world (tests/access_world.py) where every object a URL names belongs to
organisation A, and the answer must match the cell:

    R   may read: GET answers (2xx, or a redirect that is not to a login page)
    W   may write: POST (an empty form, or POST_DATA's for views that check
        the form before access) is not refused (it may still say that a
        field is missing)
    RW  both
    -   neither: GET is refused (401, 403, 404, 405 or a redirect to login),
        and POST is refused or turned away with a redirect, and in both cases
        writes nothing to the database (only the session may change)

Roles (columns, in this order):

    anon   nobody signed in             hr     A's employer contact (HR)
    part   A's participant, a mentee    xhr    B's employer contact
    teach  a teacher of A's programme   ment   the mentor of A's mentoring pair
    org    A's organiser (owns it all)  memb   a member of A's network and group
    xorg   B's organiser                non    a person of A in no network
                                        staff  platform staff (superuser)

Besides the cells: B's organiser and HR contact must have "-" on every row
that names an object, unless the page is public (anon may read it) or in
SELF_SERVICE (acting for oneself or one's own organisation on a public
object); and no page answered to anon, xorg or xhr may show side A's private
people (their e-mail domain or surname).

To add a URL: add a line under its namespace's [section], "name objects
cells". `objects` names the world key whose pk (or slug, code or token) fills
the URL's kwargs, "-" for none, or "a/b" when the URL names two objects (the
first kwarg from a, the second from b). Add the object to build_world() if it
is new. API rows (namespace api) are asked with a token (Authorization:
Token ...); admin URLs are all covered by the one "*" row of [admin]. A
pattern without a name is named by its route after "~" and listed under a
"[~prefix/]" section (e.g. allauth's old redirects under [~accounts/]).
"""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.access_matrix import ask, client_for, parse, routes, url_for
from tests.access_world import PRIVATE_DOMAIN, ROLES, build_world

TABLE = """
# name                         objects      an  pa  te  or  xo  hr  xh  me  mb  no  st

[api]
approval-decide                held         -   -   -   W   -   W   -   -   -   -   W
approvals                      -            -   R   R   R   R   R   R   R   R   R   R
cohort-detail                  cohortA      R   R   R   R   R   R   R   R   R   R   R
cohort-list                    -            R   R   R   R   R   R   R   R   R   R   R
cohort-register                cohortA      -   W   W   W   W   W   W   W   W   W   W
docs                           -            R   R   R   R   R   R   R   R   R   R   R
employer-bookings              cohortA      -   -   -   -   -   W   -   -   -   -   -
employer-registration-swap     registration -   -   -   -   -   W   -   -   -   -   -
employer-registrations         -            -   R   R   R   R   R   R   R   R   R   R
employer-reservation-name      reservation  -   -   -   -   -   W   -   -   -   -   -
employer-reservations          cohortA      -   -   -   -   -   W   -   -   -   -   -
my-registrations               -            -   R   R   R   R   R   R   R   R   R   R
organiser-cohort-registrations cohortA      -   -   -   R   -   -   -   -   -   -   R
organiser-cohorts              programmeA   -   -   -   RW  -   -   -   -   -   -   RW
programme-detail               programmeA   R   R   R   R   R   R   R   R   R   R   R
programme-list                 -            R   R   R   R   R   R   R   R   R   R   R
registration-accept-offer      offered      -   W   -   -   -   W   -   -   -   -   -
registration-cancel            registration -   W   -   -   -   -   -   -   -   -   -
registration-decline-offer     offered      -   W   -   -   -   W   -   -   -   -   -
schema                         -            R   R   R   R   R   R   R   R   R   R   R
token                          -            W   W   W   W   W   W   W   W   W   W   W

[core]
accessibility                  -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
cookies                        -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW

[evaluations]
answer                         evaluation   -   RW  -   -   -   -   -   -   -   -   -
cohort-evaluations             cohortA      -   -   -   RW  -   -   -   -   -   -   RW
cohort-export                  cohortA      -   -   RW  RW  -   -   -   -   -   -   RW
cohort-results                 cohortA      -   -   RW  RW  -   -   -   -   -   -   RW
evaluation-detach              evaluation   -   -   -   RW  -   -   -   -   -   -   RW
evaluation-export              evaluation   -   -   RW  RW  -   -   -   -   -   -   RW
evaluation-results             evaluation   -   -   RW  RW  -   -   -   -   -   -   RW
form-builder                   form         -   -   -   RW  -   -   -   -   -   -   RW
form-copy                      form         -   -   -   W   -   -   -   -   -   -   W
form-copy-standard             -            -   -   -   W   W   -   -   -   -   -   W
form-create                    -            -   -   -   RW  RW  -   -   -   -   -   RW
form-list                      -            -   -   -   RW  RW  -   -   -   -   -   RW
overview                       -            -   -   RW  RW  RW  -   -   -   -   -   RW
programme-export               programmeA   -   -   RW  RW  -   -   -   -   -   -   RW
programme-results              programmeA   -   -   RW  RW  -   -   -   -   -   -   RW
question-add                   form         -   -   -   W   -   -   -   -   -   -   W
question-delete                question     -   -   -   RW  -   -   -   -   -   -   RW
question-edit                  question     -   -   -   RW  -   -   -   -   -   -   RW
question-move                  question     -   -   -   W   -   -   -   -   -   -   W

[events]
cancel                         event        -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
detail                         event        RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
ics                            event        R   R   R   R   R   R   R   R   R   R   R
list                           -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
material-file                  material     R   R   R   R   R   R   R   R   R   R   R
organiser-attendance           event/part   -   -   -   W   -   -   -   -   -   -   W
organiser-event                event        -   -   -   RW  -   -   -   -   -   -   RW
organiser-event-create         -            -   -   -   RW  RW  -   -   -   -   -   RW
organiser-event-edit           event        -   -   -   RW  -   -   -   -   -   -   RW
organiser-home                 -            -   -   -   RW  RW  -   -   -   -   -   RW
organiser-invite               event        -   -   -   RW  -   -   -   -   -   -   RW
organiser-material             event        -   -   -   RW  -   -   -   -   -   -   RW
organiser-material-delete      material     -   -   -   RW  -   -   -   -   -   -   RW
organiser-talk-create          event        -   -   -   RW  -   -   -   -   -   -   RW
organiser-talk-delete          talk         -   -   -   RW  -   -   -   -   -   -   RW
organiser-talk-edit            talk         -   -   -   RW  -   -   -   -   -   -   RW
register                       event        -   W   W   W   W   W   W   W   W   W   W

[groups]
accept-waiting                 round        -   -   -   W   -   -   -   -   -   -   W
add-network                    round        -   -   -   W   -   -   -   -   -   -   W
agreement                      group        -   -   -   W   -   -   -   -   W   -   -
application-decide             application  -   -   -   W   -   -   -   -   -   -   W
apply                          open_round   -   -   -   -   -   -   -   -   RW  -   -
continue                       round        -   -   -   W   -   -   -   -   -   -   W
facilitator-add                round        -   -   -   W   -   -   -   -   -   -   W
group                          group        -   -   -   RW  -   -   -   -   RW  -   -
home                           -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
log-add                        group        -   -   -   W   -   -   -   -   W   -   -
meeting-add                    group        -   -   -   W   -   -   -   -   W   -   -
meeting-edit                   g_meeting    -   -   -   RW  -   -   -   -   RW  -   -
proposal                       round        -   -   -   RW  -   -   -   -   -   -   RW
proposal-move                  round        -   -   -   W   -   -   -   -   -   -   W
proposal-way-out               round        -   -   -   RW  -   -   -   -   -   -   RW
proposal-status                open_round   -   -   -   RW  -   -   -   -   -   -   RW
propose                        round        -   -   -   W   -   -   -   -   -   -   W
publish                        round        -   -   -   RW  -   -   -   -   -   -   RW
round                          round        -   -   -   RW  -   -   -   -   -   -   RW
round-create                   -            -   -   -   RW  RW  -   -   -   -   -   RW
round-settings                 round        -   -   -   RW  -   -   -   -   -   -   RW
theme-add                      round        -   -   -   W   -   -   -   -   -   -   W
withdraw                       open_round   -   -   -   -   -   -   -   -   RW  -   -

[learning]
assignment                     assignment   -   RW  -   -   -   -   -   -   -   -   -
assignment-create              cohortA      -   -   RW  RW  -   -   -   -   -   -   RW
assignment-edit                assignment   -   -   RW  RW  -   -   -   -   -   -   RW
assignment-review              assignment   -   -   RW  RW  -   -   -   -   -   -   RW
attendance                     sessionA     -   -   RW  RW  -   -   -   -   -   -   RW
certificate-lookup             -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
certificate-pdf                certificate  -   RW  -   RW  -   -   -   -   -   -   RW
certificate-verify             certificate  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
certificates-issue             cohortA      -   -   -   RW  -   -   -   -   -   -   RW
cohort-attendance-pdf          cohortA      -   -   -   R   -   -   -   -   -   -   R
cohort-message                 cohortA      -   -   -   RW  -   -   -   -   -   -   RW
cohort-participants-pdf        cohortA      -   -   -   R   -   -   -   -   -   -   R
completion                     cohortA      -   -   RW  RW  -   -   -   -   -   -   RW
completion-rule                programmeA   -   -   -   RW  -   -   -   -   -   -   RW
milestone-delete               milestone    -   -   RW  RW  -   -   -   -   -   -   RW
preparation-edit               sessionA     -   -   RW  RW  -   -   -   -   -   -   RW
preparation-file               prep_file    -   RW  RW  RW  -   -   -   -   -   -   RW
preparation-file-delete        prep_file    -   -   RW  RW  -   -   -   -   -   -   RW
session                        sessionA     -   RW  RW  RW  -   -   -   -   -   -   RW
submission-file                sub_file     -   RW  RW  RW  -   -   -   -   -   -   RW
submission-file-delete         sub_file     -   RW  -   -   -   -   -   -   -   -   -
submission-review              submission   -   -   RW  RW  -   -   -   -   -   -   RW
teaching                       -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
teaching-cohort                cohortA      -   -   RW  RW  -   -   -   -   -   -   RW

[-]
account_change_password        -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_confirm_email          bad_token    R   R   R   R   R   R   R   R   R   R   R
account_confirm_login_code     -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_confirm_reauthentication_code - -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_email                  -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_email_verification_sent -            R   R   R   R   R   R   R   R   R   R   R
account_inactive               -            R   R   R   R   R   R   R   R   R   R   R
account_login                  -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_logout                 -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_reauthenticate         -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_request_reauthentication_code - -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_reset_password         -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_reset_password_done    -            R   R   R   R   R   R   R   R   R   R   R
account_reset_password_from_key uid/bad_token RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_reset_password_from_key_done - R   R   R   R   R   R   R   R   R   R   R
account_set_password           -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
account_signup                 -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
login                          -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
logout                         -            W   W   W   W   W   W   W   W   W   W   W
mfa_activate_totp              -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
mfa_authenticate               -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
mfa_deactivate_totp            -            -   -   -   -   -   -   -   -   -   -   -
mfa_download_recovery_codes    -            -   -   -   -   -   -   -   -   -   -   -
mfa_generate_recovery_codes    -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
mfa_index                      -            -   R   R   R   R   R   R   R   R   R   R
mfa_reauthenticate             -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
mfa_view_recovery_codes        -            -   -   -   -   -   -   -   -   -   -   -
openid_connect_callback        sso          -   -   -   -   -   -   -   -   -   -   -
openid_connect_login           sso          -   -   -   -   -   -   -   -   -   -   -
saml_acs                       sso          RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
saml_finish_acs                sso          -   -   -   -   -   -   -   -   -   -   -
saml_login                     sso          -   -   -   -   -   -   -   -   -   -   -
saml_metadata                  sso          -   -   -   -   -   -   -   -   -   -   -
saml_sls                       sso          -   -   -   -   -   -   -   -   -   -   -
set_language                   -            W   W   W   W   W   W   W   W   W   W   W
socialaccount_connections      -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
socialaccount_login_cancelled  -            R   R   R   R   R   R   R   R   R   R   R
socialaccount_login_error      -            -   -   -   -   -   -   -   -   -   -   -
socialaccount_signup           -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW

[mentoring]
evaluate                       pair         -   RW  -   -   -   -   -   RW  -   -   -
home                           -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
meeting-cancel                 m_meeting    -   RW  -   -   -   -   -   RW  -   -   -
meeting-edit                   m_meeting    -   RW  -   -   -   -   -   RW  -   -   -
meeting-held                   m_meeting    -   W   -   -   -   -   -   W   -   -   -
meeting-plan                   pair         -   RW  -   -   -   -   -   RW  -   -   -
note-add                       pair         -   RW  -   -   -   -   -   RW  -   -   -
organiser-home                 -            -   -   -   RW  RW  -   -   -   -   -   RW
organiser-matching             programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-matching-assign      programmeA   -   -   -   W   -   -   -   -   -   -   W
organiser-matching-publish     programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-matching-run         programmeA   -   -   -   W   -   -   -   -   -   -   W
organiser-mentor-add           programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-mentor-edit          mentor       -   -   -   RW  -   -   -   -   -   -   RW
organiser-pairs                programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-programme            programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-set-up               programmeA   -   -   -   W   -   -   -   -   -   -   W
pair                           pair         -   RW  -   -   -   -   -   RW  -   -   -
pool                           programmeA   -   RW  -   -   -   -   -   -   -   -   -
wishes                         programmeA   -   RW  -   -   -   -   -   -   -   -   -

[networks]
announcement-delete            announcement -   -   -   RW  -   -   -   -   -   -   RW
application-withdraw           applicant    -   RW  -   -   -   -   -   -   -   -   -
# memb: shown the question first; the service then refuses and writes nothing
file-delete                    shared_file  -   -   -   RW  -   -   -   -   RW  -   RW
invitation-accept              invitation   -   -   -   -   -   -   -   -   -   W   -
invitation-decline             invitation   -   -   -   -   -   -   -   -   -   W   -
meeting-delete                 n_meeting    -   -   -   RW  -   -   -   -   -   -   RW
meeting-edit                   n_meeting    -   -   -   RW  -   -   -   -   -   -   RW
member-approve                 applicant    -   -   -   W   -   -   -   -   -   -   W
member-refuse                  applicant    -   -   -   W   -   -   -   -   -   -   W
member-remove                  membership   -   -   -   RW  -   -   -   -   -   -   RW
member-role                    membership   -   -   -   W   -   -   -   -   -   -   W
my-networks                    -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
network-announcements          network      -   -   -   RW  -   -   -   -   RW  -   RW
network-apply                  network      -   W   W   W   W   W   W   W   W   W   W
network-create                 -            -   -   -   RW  RW  -   -   -   -   -   RW
network-file                   shared_file  -   -   -   R   -   -   -   -   R   -   R
network-files                  network      -   -   -   RW  -   -   -   -   RW  -   RW
network-home                   network      -   -   -   RW  -   -   -   -   RW  -   RW
network-ics                    network      -   -   -   R   -   -   -   -   R   -   R
network-invite                 network      -   -   -   W   -   -   -   -   -   -   W
# org, staff: shown the question first; not members, so nothing is written
network-leave                  network      -   -   -   RW  -   -   -   -   RW  -   RW
network-list                   -            R   R   R   R   R   R   R   R   R   R   R
network-manage                 network      -   -   -   RW  -   -   -   -   -   -   RW
network-meetings               network      -   -   -   RW  -   -   -   -   RW  -   RW
network-members                network      -   -   -   RW  -   -   -   -   RW  -   RW
network-public                 network      R   R   R   R   R   R   R   R   R   R   R
network-settings               network      -   -   -   W   -   -   -   -   -   -   W

[notifications]
renew-feed                     -            -   W   W   W   W   W   W   W   W   W   W
settings                       -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
unsubscribe                    unsubscribe  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW

[programmes]
cohort-ics                     cohortA      R   R   R   R   R   R   R   R   R   R   R
organiser-cohort-create        programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-cohort-copy          cohortA      -   -   -   RW  -   -   -   -   -   -   RW
organiser-cohort-delete        cohortA      -   -   -   RW  -   -   -   -   -   -   RW
organiser-programme-approval   programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-programme-delete     programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-programme-edit       programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-programme-copy       programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-session-create       cohortA      -   -   -   RW  -   -   -   -   -   -   RW
organiser-session-cancel       sessionA     -   -   -   RW  -   -   -   -   -   -   RW
organiser-session-edit         sessionA     -   -   -   RW  -   -   -   -   -   -   RW

[registrations]
approval-decide                held         -   -   -   W   -   W   -   -   -   -   W
approval-link                  approval     RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
approvals                      -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
calendar-feed                  feed         R   R   R   R   R   R   R   R   R   R   R
catalogue                      -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
cohort-detail                  cohortA      RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
cohort-register                cohortA      -   W   W   W   W   W   W   W   W   W   W
employer-book                  cohortA      -   -   -   -   -   RW  RW  -   -   -   -
employer-home                  -            -   -   -   -   -   RW  RW  -   -   -   -
employer-name-seat             reservation  -   -   -   -   -   W   -   -   -   -   -
employer-reservations          -            -   -   -   -   -   RW  RW  -   -   -   -
employer-reserve               cohortA      -   -   -   -   -   RW  RW  -   -   -   -
employer-swap                  registration -   -   -   -   -   RW  -   -   -   -   -
exception-request              programmeA   -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
my-programmes                  -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
offer-accept                   offered      -   W   -   -   -   W   -   -   -   -   -
offer-decline                  offered      -   W   -   -   -   W   -   -   -   -   -
organiser-cohort               cohortA      -   -   -   RW  -   -   -   -   -   -   RW
organiser-cohort-cancel        cohortA      -   -   -   RW  -   -   -   -   -   -   RW
organiser-cohort-edit          cohortA      -   -   -   RW  -   -   -   -   -   -   RW
organiser-cohort-export        cohortA      -   -   -   RW  -   -   -   -   -   -   RW
organiser-exception-decide     exception    -   -   -   W   -   -   -   -   -   -   W
organiser-home                 -            -   -   -   RW  RW  -   -   -   -   -   RW
organiser-programme            programmeA   -   -   -   RW  -   -   -   -   -   -   RW
organiser-registration-cancel  registration -   -   -   RW  -   -   -   -   -   -   RW
organiser-registration-move    registration -   -   -   RW  -   -   -   -   -   -   RW
organiser-trail                programmeA   -   -   -   R   -   -   -   -   -   -   R
programme-detail               programmeA   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
registration-cancel            registration -   RW  -   -   -   -   -   -   -   -   -

[rollouts]
dashboard                      orgA         -   -   -   -   -   RW  -   -   -   -   -
dashboard-xlsx                 orgA         -   -   -   -   -   RW  -   -   -   -   -
follow-up-log                  follow_up    -   W   -   -   -   -   -   -   -   -   -
follow-ups                     -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
home                           -            -   -   -   -   -   RW  RW  -   -   -   -
import-confirm                 import       -   -   -   -   -   W   -   -   -   -   -
import-detail                  import       -   -   -   -   -   RW  -   -   -   -   -
import-upload                  orgA         -   -   -   -   -   RW  -   -   -   -   -
mark-left                      orgA         -   -   -   -   -   W   -   -   -   -   -
organisation                   orgA         -   -   -   -   -   RW  -   -   -   -   -
plan-add-cohort                plan         -   -   -   -   -   RW  -   -   -   -   -
plan-adjust                    plan         -   -   -   -   -   W   -   -   -   -   -
plan-cohort                    plan/rcohort -   -   -   -   -   RW  -   -   -   -   -
plan-days                      plan         -   -   -   -   -   RW  -   -   -   -   -
plan-detail                    plan         -   -   -   -   -   RW  -   -   -   -   -
plan-exclude                   plan         -   -   -   -   -   W   -   -   -   -   -
plan-include                   plan/exclusion -   -   -   -   -   W   -   -   -   -   -
plan-new                       orgA         -   -   -   -   -   RW  -   -   -   -   -
plan-publish                   plan         -   -   -   -   -   RW  -   -   -   -   -
plan-run                       plan         -   -   -   -   -   W   -   -   -   -   -
plan-status                    plan         -   -   -   -   -   RW  -   -   -   -   -

[accounts]
activate                       uid/bad_token RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
api-key-revoke                 api_key:part -   W   -   -   -   -   -   -   -   -   -
api-keys                       -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
new-link                       -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW

[portal]
home                           -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
invitations                    -            -   -   -   RW  RW  RW  RW  -   -   -   RW
invitations-send               -            -   -   -   W   W   W   W   -   -   -   W
start                          -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW

[privacy]
erasure-decide                 erasure      -   -   -   -   -   RW  -   -   -   -   RW
erasure-request                -            -   RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
erasures                       -            -   -   -   -   -   R   -   -   -   -   R
index                          -            R   R   R   R   R   R   R   R   R   R   R
my-data                        -            -   R   R   R   R   R   R   R   R   R   R
my-data-download               -            -   R   R   R   R   R   R   R   R   R   R
notice                         notice       R   R   R   R   R   R   R   R   R   R   R

[~accounts/]
saml/<str:organization_slug>/acs/finish/ sso -   -   -   -   -   -   -   -   -   -   -
social/connections/            -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
social/login/cancelled/        -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
social/login/error/            -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
social/signup/                 -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW

[admin]
*                              -            -   -   -   -   -   -   -   -   -   -   RW
login                          -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  RW
logout                         -            RW  RW  RW  RW  RW  RW  RW  RW  RW  RW  W
"""

# Rows that refuse everyone in this world: single sign-on needs an identity
# provider and the recovery codes a TOTP device, which the world does not set
# up (the SSO and two-factor tests in tillit/accounts do); allauth's login error
# page answers 401 by design.
NOBODY_IN_THIS_WORLD = {
    "mfa_deactivate_totp",
    "mfa_download_recovery_codes",
    "mfa_view_recovery_codes",
    "openid_connect_callback",
    "openid_connect_login",
    "saml_finish_acs",
    "saml_login",
    "saml_metadata",
    "saml_sls",
    "socialaccount_login_error",
    "~accounts/saml/<str:organization_slug>/acs/finish/",
}

# Rows where anyone signed in acts for themselves (or an employer contact for
# their own organisation) on a public object: B's people may write here.
SELF_SERVICE = {
    "api:cohort-register",
    "events:cancel",
    "events:register",
    "groups:apply",
    "groups:withdraw",
    "networks:network-apply",
    "registrations:cohort-register",
    "registrations:employer-book",
    "registrations:employer-reserve",
    "registrations:exception-request",
}

# Pages opened by a secret in the link (a certificate's code, a signed
# approval link, a personal calendar feed, an unsubscribe link): whoever holds
# the link may read what it shows, so the private-people check skips them.
SECRET_LINKS = {
    "learning:certificate-verify",
    "notifications:unsubscribe",
    "registrations:calendar-feed",
    "registrations:approval-link",
}

# A form that passes validation, for views that validate before they check
# access: with an empty form they would refuse everyone alike.
POST_DATA = {
    "api:approval-decide": lambda w: {"approve": True},
    "api:employer-bookings": lambda w: {
        "organisation": w["orgA"].pk,
        "people": [w["person:non"].pk],
    },
    "api:employer-reservations": lambda w: {"organisation": w["orgA"].pk, "seats": 1},
    "networks:member-role": lambda w: {"role": "chair"},
    "mentoring:organiser-matching-assign": lambda w: {
        "mentee": w["colleague"].pk,
        "mentor": "",
    },
}

ROWS = parse(TABLE)
ROUTES = routes()
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OTHER_SIDE = ("xorg", "xhr")


def _row_for(name):
    namespace = name.split(":", 1)[0] if ":" in name else ""
    return ROWS.get(name) or ROWS.get(f"{namespace}:*")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the whole module, built in a transaction that is rolled
    back at the end; each test runs in a savepoint inside it."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media), PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        world = build_world()
        for role in ROLES[1:]:
            client = Client()
            client.force_login(world.person(role))
            world[f"session:{role}"] = client.session.session_key
        yield world
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(request, django_db_blocker):
    """Throttle counts live in the database cache: cleared for the tests that
    use the world's database; the others have none."""
    if "world" in request.fixturenames or "django_db" in request.keywords:
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            cache.clear()


def test_every_url_has_a_row():
    missing = sorted(name for name in ROUTES if _row_for(name) is None)

    assert not missing, f"add these URLs to TABLE: {missing}"


def test_every_row_has_a_url():
    stale = sorted(
        name for name in ROWS if not name.endswith(":*") and name not in ROUTES
    )

    assert not stale, f"these rows name no URL: {stale}"


def test_other_organisations_may_neither_read_nor_write_private_objects():
    leaks = [
        f"{row.name} {role}={row.may(role)}"
        for row in ROWS.values()
        if row.objects != "-"
        and "R" not in row.may("anon")
        and row.name not in SELF_SERVICE
        for role in OTHER_SIDE
        if row.may(role) != "-"
    ]

    assert not leaks


# admin:~... is the admin's unnamed catch-all, behind the same staff check.
ADMIN = sorted(
    name
    for name in ROUTES
    if name.startswith("admin:") and name not in ROWS and "~" not in name
)
ADMIN_KWARGS = {"app_label": "core"}  # any other kwarg: "1"


@pytest.mark.parametrize("name", ADMIN)
def test_admin_is_for_platform_staff_only(world, db, name):
    """Every admin URL, as the [admin] "*" row says, asked by nobody and by
    A's organiser (the admin decides by is_staff alone, so one signed-in
    person stands for every role but staff), and by staff where the URL names
    no object."""
    route, row = ROUTES[name], ROWS["admin:*"]
    url = reverse(name, kwargs={p: ADMIN_KWARGS.get(p, "1") for p in route.params})

    for role in ("anon", "org"):
        client = client_for(role, world)
        got, posted = ask(client, "get", url), ask(client, "post", url)

        assert row.may(role) == "-"
        assert got.refused and posted.refused, (role, got.status, posted.status)
        assert not got.writes and not posted.writes
    if name.endswith(("_changelist", ":index", ":app_list")):
        got = ask(client_for("staff", world), "get", url)

        assert "R" in row.may("staff")
        assert not got.refused and got.status < 400, got.status


# A's organiser may write these URLs, but not with B's objects in the form:
# (the form with B's object, the same form with A's object, which does write).
OTHER_SIDE_IN_THE_FORM = {
    "events:organiser-invite": (
        lambda w, n: {"audience": "network", "network": w[n].pk, "confirmed": "yes"},
        ("networkB", "network"),
    ),
    "evaluations:cohort-evaluations": (
        lambda w, f: {"form": w[f].pk, "session": w["sessionA"].pk, "open_days": 14},
        ("formB", "form"),
    ),
    "mentoring:organiser-matching-assign": (
        lambda w, m: {"mentee": w["colleague"].pk, "mentor": w[m].pk},
        ("mentorB", "mentor2"),
    ),
}


@pytest.mark.parametrize("name", sorted(OTHER_SIDE_IN_THE_FORM))
@pytest.mark.parametrize("side", ["other", "own"])
def test_a_form_naming_the_other_side_changes_nothing(world, db, name, side):
    row, route = ROWS[name], ROUTES[name]
    url = url_for(route, row.objects, world)
    form, (other, own) = OTHER_SIDE_IN_THE_FORM[name]
    data = form(world, other if side == "other" else own)

    posted = ask(client_for("org", world), "post", url, data)

    assert "W" in row.may("org")
    if side == "other":
        assert not posted.writes, (posted.status, posted.writes)
    else:
        assert posted.writes, posted.status


def test_every_row_lets_someone_in():
    """A row that refuses everyone proves nothing: its objects are missing
    from the world or in the wrong state."""
    closed = [
        row.name
        for row in ROWS.values()
        if all(cell == "-" for cell in row.cells.values())
        and row.name not in NOBODY_IN_THIS_WORLD
    ]

    assert not closed


MATRIX = [
    pytest.param(name, role, id=f"{name}-{role}")
    for name in sorted(ROWS)
    if not name.endswith(":*")
    for role in ROLES
]


@pytest.mark.parametrize(("name", "role"), MATRIX)
def test_access(world, db, name, role):
    row, route = ROWS[name], ROUTES[name]
    url = url_for(route, row.objects, world)
    client = client_for(role, world, api=name.startswith("api:"))
    may = row.may(role)

    got = ask(client, "get", url)
    data = POST_DATA[name](world) if name in POST_DATA else {}
    posted = ask(client, "post", url, data)

    if "R" in may:
        assert not got.refused and got.status < 400, (url, got.status)
    else:
        assert got.refused, (url, got.status, got.location)
        assert not got.writes, got.writes
    if "W" in may:
        assert not posted.refused, (url, posted.status, posted.location)
    else:
        assert posted.refused or 300 <= posted.status < 400, (url, posted.status)
        assert not posted.writes, posted.writes
    if role in ("anon", *OTHER_SIDE) and name not in SECRET_LINKS:
        for body in (got.body, posted.body):
            assert PRIVATE_DOMAIN.encode() not in body
            assert b"Hemligsson" not in body
