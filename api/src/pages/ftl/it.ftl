# La pagina di approvazione del Client Access Manager, in italiano (R53, R55).
# Ogni messaggio esiste in ogni lingua con le stesse variabili (un test lo
# verifica). I nomi delle autorizzazioni vengono dai file delle e-mail
# (permission-…). Le date arrivano già scritte all'italiana.

page-title = Richiesta di accesso
page-unknown-link-title = Link di accesso sconosciuto
page-unknown-link = Controlla il link che hai ricevuto: questo non è conosciuto qui.
page-try-again-title = Riprova più tardi
page-try-again = Al momento il server non è riuscito a leggere questa richiesta di accesso.
page-moment = { $date } alle { $time } UTC

## Chi chiede (R9)

page-partner = Partner
page-worker = Collaboratore
page-email = E-mail
page-asks = { $worker } di { $partner } chiede di diventare Partner Admin del tuo account cliente.

## R53: se il link può ancora essere approvato

page-can-be-approved = Questo link può essere approvato fino al { $until }.
page-dead-expired = Questo link è scaduto il { $when } e non può più essere approvato. Chiedine uno nuovo a { $worker }.
page-dead-revoked = Questo link è stato revocato: { $partner } lo ha ritirato o sostituito con uno più recente. Non può più essere approvato. Chiedine uno nuovo a { $worker }.

## R53: che cosa concede l'approvazione, e per quanto tempo

page-grants-title = Che cosa concede l'approvazione
page-grants-intro = Se approvi, { $worker } diventa membro dell'account cliente che scegli, con:
page-role = il ruolo di Partner Admin;
page-seat = la postazione partner, gratuita, che non occupa nessuna delle tue postazioni a pagamento;
page-permissions-heading =
    { $count ->
        [one] questa autorizzazione (il set Partner Admin):
       *[other] queste { $count } autorizzazioni (il set Partner Admin):
    }
page-never = Un Partner Admin non diventa mai super amministratore: non può gestire i super amministratori, vedere la fatturazione o gli strumenti di pagamento, effettuare il provisioning degli utenti tramite SCIM, migrare il data center né gestire i dati sensibili, a meno che un super amministratore del tuo account non glielo conceda in seguito.
page-duration-title = Per quanto tempo
page-duration = Non c'è una data di fine. L'accesso dura finché qualcuno del tuo account non rimuove { $worker } o finché non termina la relazione gestita tra { $partner } e il tuo account.

## Accesso e decisione (R10, R51, R54)

page-decide-title = Approva o rifiuta
page-who-may-decide = Per un account cliente decide un suo super amministratore oppure un utente che può aggiungerne e modificarne gli utenti.
page-needs-script = Per accedere serve JavaScript. Tutto ciò che l'approvazione concede è indicato qui sopra.
page-token-label = Il tuo token di accesso (accesso di sviluppo)
page-sign-in = Accedi
page-signing-in = Accesso in corso…
page-token-empty = Incolla prima il tuo token.
page-offline = Impossibile raggiungere il server. Riprova.
page-token-invalid = Questo token non è valido o è scaduto. Incollane uno valido.
page-operator = Con il token dell'operatore non si può decidere per un account cliente. Accedi come persona.
page-signed-in-as = Accesso effettuato come { $name } ({ $email }).
page-other-token = Usa un altro token
page-accounts-legend = I tuoi account cliente
page-mark-approved = già approvato
page-mark-declined = rifiutato
page-no-accounts = Non puoi decidere per nessuno dei tuoi account cliente: serve un super amministratore dell'account o l'autorizzazione ad aggiungerne e modificarne gli utenti.
page-all-decided = Ognuno dei tuoi account cliente ha già deciso su questo link.
page-note-label = Messaggio per { $worker } in caso di rifiuto (facoltativo, massimo 500 caratteri)
page-approve = Approva
page-decline = Rifiuta
page-back = Torna alla richiesta di accesso
page-approved = Approvato: ora { $worker } è Partner Admin di { $client }, con la postazione partner.
page-declined = Rifiutato per { $client }: non è stato concesso nulla. { $worker } viene avvisato via e-mail.
page-sign-in-with-provider = Accedi con l'account della tua organizzazione, presso il suo provider di identità, e poi torna qui.
page-sign-out = Esci
page-sign-in-title = Accesso
page-signed-out = Disconnessione effettuata.
page-sign-in-again = Accedi prima: la tua sessione è scaduta o è stata chiusa. Riapri il link di accesso e accedi.
page-anti-forgery = Questo modulo non proviene da questo server, quindi non è stato fatto nulla. Riapri il link di accesso e decidi da lì.
page-sign-in-not-set-up = L'accesso tramite un provider di identità non è configurato su questo server.
page-return-not-local = Dopo l'accesso si può tornare solo a una pagina di questo server.

## Rifiuti

page-foreign-site = Questa richiesta proveniva da un altro sito ed è stata quindi rifiutata. Riapri il link di accesso e decidi da lì.
page-sign-in-first = Accedi prima: incolla il tuo token nella pagina della richiesta di accesso.
page-choose-account = Scegli prima uno dei tuoi account cliente.
page-forbidden = Non puoi decidere per questo account cliente: serve un super amministratore o l'autorizzazione ad aggiungerne e modificarne gli utenti.
page-busy = Il server è occupato. Riprova tra un momento.
page-refused-LINK_EXPIRED = Questo link è scaduto. Chiedine uno nuovo a { $worker }.
page-refused-LINK_REVOKED = Questo link è stato revocato. Chiedine uno nuovo a { $worker }.
page-refused-LINK_DECLINED = Il tuo account ha rifiutato questo link, quindi non può essere approvato lì.
page-refused-ALREADY_DECLINED = Il tuo account ha già rifiutato questo link.
page-refused-ALREADY_APPROVED = Il tuo account ha già approvato questo link.
page-refused-ALREADY_SUPER_ADMIN = { $worker } è già super amministratore di questo account. Un super amministratore passa a Partner Admin dall'account partner.
page-refused-NOT_ELIGIBLE_FOR_PARTNER_SEAT = { $worker } non può più occupare la postazione partner: il suo partner o il suo dominio e-mail non soddisfa i requisiti.
page-refused-PARTNER_TIER_NOT_ALLOWED = { $partner } non può avere Partner Admin.
page-refused-ALREADY_MEMBER = Nel frattempo { $worker } è entrato in questo account. Riprova.
page-refused-NOT_FOUND = Questo link o questo account cliente non ti è noto.
page-refused-INVALID_INPUT = Il messaggio supera i 500 caratteri, oppure la richiesta non è valida.
page-refused-other = La richiesta è stata rifiutata.

## R51: perché un accesso non è andato a buon fine

page-sign-in-refused-SIGN_IN_UNKNOWN = Questo accesso non è stato avviato in questo browser oppure è già stato completato. Riapri il link di accesso e accedi da lì.
page-sign-in-refused-SIGN_IN_EXPIRED = Questo accesso ha richiesto troppo tempo ed è scaduto. Riapri il link di accesso e accedi.
page-sign-in-refused-STATE_MISMATCH = Questo accesso non corrisponde a quello avviato in questo browser ed è stato quindi rifiutato. Riapri il link di accesso e accedi.
page-sign-in-refused-SIGN_IN_DENIED = Il tuo provider di identità non ha completato l'accesso. Riapri il link di accesso per riprovare.
page-sign-in-refused-CODE_REFUSED = Il tuo provider di identità ha rifiutato di completare questo accesso (forse è già stato usato). Riapri il link di accesso e accedi.
page-sign-in-refused-NONCE_MISMATCH = La risposta del tuo provider di identità non appartiene a questo accesso ed è stata quindi rifiutata. Riapri il link di accesso e accedi.
page-sign-in-refused-ID_TOKEN_INVALID = La risposta del tuo provider di identità non è affidabile (la firma, le date oppure un indirizzo email non verificato o esterno alla tua organizzazione).
page-sign-in-refused-NO_USER = L'accesso è riuscito, ma nessun utente del Client Access Manager ha il tuo indirizzo email. Chiedi a un super amministratore del tuo account di aggiungerti.
page-sign-in-refused-PROVIDER_UNAVAILABLE = Il tuo provider di identità non è raggiungibile in questo momento. Riprova tra un momento.
