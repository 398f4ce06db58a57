# Die Genehmigungsseite des Client Access Manager auf Deutsch (R53, R55).
# Jede Nachricht gibt es in jeder Sprache mit denselben Variablen (ein Test
# prüft das). Die Namen der Berechtigungen stammen aus den Dateien der
# E-Mails (permission-…). Datumsangaben kommen bereits in deutscher
# Schreibweise.

page-title = Zugriffsanfrage
page-unknown-link-title = Unbekannter Zugriffslink
page-unknown-link = Prüfen Sie den Link, den Sie erhalten haben: Dieser ist hier nicht bekannt.
page-try-again-title = Bitte versuchen Sie es später erneut
page-try-again = Der Server konnte diese Zugriffsanfrage gerade nicht lesen.
page-moment = { $date }, { $time } Uhr UTC

## Wer anfragt (R9)

page-partner = Partner
page-worker = Mitarbeiter
page-email = E-Mail
page-asks = { $worker } von { $partner } möchte Partner Admin Ihres Kundenkontos werden.

## R53: ob der Link noch genehmigt werden kann

page-can-be-approved = Dieser Link kann bis zum { $until } genehmigt werden.
page-dead-expired = Dieser Link ist am { $when } abgelaufen und kann nicht mehr genehmigt werden. Bitten Sie { $worker } um einen neuen.
page-dead-revoked = Dieser Link wurde widerrufen: { $partner } hat ihn zurückgezogen oder durch einen neueren ersetzt. Er kann nicht mehr genehmigt werden. Bitten Sie { $worker } um einen neuen.

## R53: was die Genehmigung gewährt, und wie lange

page-grants-title = Was die Genehmigung gewährt
page-grants-intro = Wenn Sie genehmigen, wird { $worker } Mitglied des Kundenkontos, das Sie auswählen, mit:
page-role = der Rolle Partner Admin;
page-seat = dem Partner-Sitz, der kostenlos ist und keinen Ihrer bezahlten Sitze belegt;
page-permissions-heading =
    { $count ->
        [one] dieser Berechtigung (dem Partner-Admin-Set):
       *[other] diesen { $count } Berechtigungen (dem Partner-Admin-Set):
    }
page-never = Ein Partner Admin wird nie Super-Admin: Er kann keine Super-Admins verwalten, weder Abrechnung noch Zahlungstools sehen, keine Benutzer über SCIM bereitstellen, das Rechenzentrum nicht migrieren und keine sensiblen Daten verwalten, es sei denn, ein Super-Admin Ihres Kontos gewährt es ihm später.
page-duration-title = Wie lange
page-duration = Es gibt kein Enddatum. Der Zugriff besteht, bis jemand in Ihrem Konto { $worker } entfernt oder bis die verwaltete Beziehung zwischen { $partner } und Ihrem Konto endet.

## Anmelden und entscheiden (R10, R51, R54)

page-decide-title = Genehmigen oder ablehnen
page-who-may-decide = Für ein Kundenkonto entscheidet ein Super-Admin des Kontos oder ein Benutzer, der dessen Benutzer hinzufügen und bearbeiten darf.
page-needs-script = Für die Anmeldung wird JavaScript benötigt. Alles, was die Genehmigung gewährt, steht oben.
page-token-label = Ihr Bearer-Token (Anmeldung für die Entwicklung)
page-sign-in = Anmelden
page-signing-in = Anmeldung läuft…
page-token-empty = Fügen Sie zuerst Ihr Token ein.
page-offline = Der Server ist nicht erreichbar. Versuchen Sie es erneut.
page-token-invalid = Dieses Token ist ungültig oder abgelaufen. Fügen Sie ein gültiges ein.
page-operator = Mit dem Token des Betreibers kann nicht für ein Kundenkonto entschieden werden. Melden Sie sich als Person an.
page-signed-in-as = Angemeldet als { $name } ({ $email }).
page-other-token = Anderes Token verwenden
page-accounts-legend = Ihre Kundenkonten
page-mark-approved = bereits genehmigt
page-mark-declined = abgelehnt
page-no-accounts = Sie dürfen für keines Ihrer Kundenkonten entscheiden: Dafür muss man Super-Admin des Kontos sein oder dessen Benutzer hinzufügen und bearbeiten dürfen.
page-all-decided = Jedes Ihrer Kundenkonten hat über diesen Link bereits entschieden.
page-note-label = Nachricht an { $worker }, falls Sie ablehnen (optional, höchstens 500 Zeichen)
page-approve = Genehmigen
page-decline = Ablehnen
page-back = Zurück zur Zugriffsanfrage
page-approved = Genehmigt: { $worker } ist jetzt Partner Admin von { $client }, mit dem Partner-Sitz.
page-declined = Für { $client } abgelehnt: Es wurde nichts gewährt. { $worker } wird per E-Mail informiert.
page-sign-in-with-provider = Sie melden sich mit dem Konto Ihrer Organisation bei deren Identitätsanbieter an und kehren dann hierher zurück.
page-sign-out = Abmelden
page-sign-in-title = Anmeldung
page-signed-out = Sie sind abgemeldet.
page-sign-in-again = Melden Sie sich zuerst an: Ihre Sitzung ist abgelaufen oder Sie haben sich abgemeldet. Öffnen Sie den Zugriffslink erneut und melden Sie sich an.
page-anti-forgery = Dieses Formular stammt nicht von diesem Server, daher wurde nichts ausgeführt. Öffnen Sie den Zugriffslink erneut und entscheiden Sie dort.
page-sign-in-not-set-up = Die Anmeldung über einen Identitätsanbieter ist auf diesem Server nicht eingerichtet.
page-return-not-local = Nach einer Anmeldung ist nur die Rückkehr zu einer Seite dieses Servers möglich.

## Ablehnungen

page-foreign-site = Diese Anfrage kam von einer anderen Website und wurde deshalb abgelehnt. Öffnen Sie den Zugriffslink erneut und entscheiden Sie dort.
page-sign-in-first = Melden Sie sich zuerst an: Fügen Sie Ihr Token auf der Seite der Zugriffsanfrage ein.
page-choose-account = Wählen Sie zuerst eines Ihrer Kundenkonten aus.
page-forbidden = Sie dürfen für dieses Kundenkonto nicht entscheiden: Dafür muss man Super-Admin sein oder dessen Benutzer hinzufügen und bearbeiten dürfen.
page-busy = Der Server ist ausgelastet. Bitte versuchen Sie es gleich noch einmal.
page-refused-LINK_EXPIRED = Dieser Link ist abgelaufen. Bitten Sie { $worker } um einen neuen.
page-refused-LINK_REVOKED = Dieser Link wurde widerrufen. Bitten Sie { $worker } um einen neuen.
page-refused-LINK_DECLINED = Ihr Konto hat diesen Link abgelehnt, daher kann er dort nicht genehmigt werden.
page-refused-ALREADY_DECLINED = Ihr Konto hat diesen Link bereits abgelehnt.
page-refused-ALREADY_APPROVED = Ihr Konto hat diesen Link bereits genehmigt.
page-refused-ALREADY_SUPER_ADMIN = { $worker } ist bereits Super-Admin dieses Kontos. Ein Super-Admin wechselt stattdessen über das Partnerkonto zum Partner Admin.
page-refused-NOT_ELIGIBLE_FOR_PARTNER_SEAT = { $worker } kann den Partner-Sitz nicht mehr erhalten: Der Partner oder die E-Mail-Domain erfüllt die Voraussetzungen nicht.
page-refused-PARTNER_TIER_NOT_ALLOWED = { $partner } kann keine Partner Admins haben.
page-refused-ALREADY_MEMBER = { $worker } ist dem Konto inzwischen beigetreten. Versuchen Sie es erneut.
page-refused-NOT_FOUND = Dieser Link oder dieses Kundenkonto ist Ihnen nicht bekannt.
page-refused-INVALID_INPUT = Die Nachricht ist länger als 500 Zeichen, oder die Anfrage ist fehlerhaft.
page-refused-other = Die Anfrage wurde abgelehnt.

## R51: warum eine Anmeldung nicht zustande kam

page-sign-in-refused-SIGN_IN_UNKNOWN = Diese Anmeldung wurde nicht in diesem Browser begonnen oder ist bereits abgeschlossen. Öffnen Sie den Zugriffslink erneut und melden Sie sich von dort aus an.
page-sign-in-refused-SIGN_IN_EXPIRED = Diese Anmeldung hat zu lange gedauert und ist abgelaufen. Öffnen Sie den Zugriffslink erneut und melden Sie sich an.
page-sign-in-refused-STATE_MISMATCH = Diese Anmeldung passt nicht zu der in diesem Browser begonnenen und wurde deshalb abgelehnt. Öffnen Sie den Zugriffslink erneut und melden Sie sich an.
page-sign-in-refused-SIGN_IN_DENIED = Ihr Identitätsanbieter hat die Anmeldung nicht durchgeführt. Öffnen Sie den Zugriffslink erneut, um es noch einmal zu versuchen.
page-sign-in-refused-CODE_REFUSED = Ihr Identitätsanbieter hat den Abschluss dieser Anmeldung verweigert (möglicherweise wurde sie bereits verwendet). Öffnen Sie den Zugriffslink erneut und melden Sie sich an.
page-sign-in-refused-NONCE_MISMATCH = Die Antwort Ihres Identitätsanbieters gehört nicht zu dieser Anmeldung und wurde deshalb abgelehnt. Öffnen Sie den Zugriffslink erneut und melden Sie sich an.
page-sign-in-refused-ID_TOKEN_INVALID = Der Antwort Ihres Identitätsanbieters kann nicht vertraut werden (ihre Signatur, ihre Zeitangaben oder eine E-Mail-Adresse, die nicht bestätigt ist oder nicht zu Ihrer Organisation gehört).
page-sign-in-refused-NO_USER = Ihre Anmeldung war erfolgreich, aber kein Benutzer des Client Access Manager hat Ihre E-Mail-Adresse. Bitten Sie den Super-Admin Ihres Kontos, Sie hinzuzufügen.
page-sign-in-refused-PROVIDER_UNAVAILABLE = Ihr Identitätsanbieter ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.
