# Client Access Manager の承認ページ（日本語、R53、R55）。
# すべてのメッセージは、すべての言語に同じ変数で存在します（テストで確認）。
# 権限名はメールのファイル（permission-…）から取ります。
# 日付は日本語の表記で渡されます。

page-title = アクセスリクエスト
page-unknown-link-title = 不明なアクセスリンク
page-unknown-link = 受け取ったリンクをご確認ください。このリンクはここでは認識されていません。
page-try-again-title = しばらくしてからもう一度お試しください
page-try-again = サーバーが現在このアクセスリクエストを読み込めませんでした。
page-moment = { $date } { $time }（UTC）

## 依頼者（R9）

page-partner = パートナー
page-worker = 担当者
page-email = メールアドレス
page-asks = { $partner } の { $worker } さんが、あなたのクライアントアカウントの Partner Admin になることをリクエストしています。

## R53：このリンクをまだ承認できるか

page-can-be-approved = このリンクは{ $until }まで承認できます。
page-dead-expired = このリンクは{ $when }に有効期限が切れたため、承認できません。{ $worker } さんに新しいリンクを依頼してください。
page-dead-revoked = このリンクは取り消されました。{ $partner } がリンクを取り下げたか、新しいリンクに置き換えました。承認することはできません。{ $worker } さんに新しいリンクを依頼してください。

## R53：承認によって付与されるものと期間

page-grants-title = 承認によって付与されるもの
page-grants-intro = 承認すると、{ $worker } さんは選択したクライアントアカウントのメンバーになり、次のものが付与されます：
page-role = Partner Admin ロール
page-seat = パートナーシート（無料で、有料シートは消費しません）
page-permissions-heading = 次の { $count } 件の権限（Partner Admin の権限セット）：
page-never = Partner Admin がスーパー管理者になることはありません。あなたのアカウントのスーパー管理者が後から付与しない限り、スーパー管理者の管理、請求や決済ツールの閲覧、SCIM によるユーザーのプロビジョニング、データセンターの移行、機密データの管理はできません。
page-duration-title = 有効期間
page-duration = 終了日はありません。アクセスは、あなたのアカウントの誰かが { $worker } さんを削除するか、{ $partner } とあなたのアカウントとの管理対象の関係が終了するまで続きます。

## サインインと判断（R10、R51、R54）

page-decide-title = 承認または拒否
page-who-may-decide = クライアントアカウントについて判断できるのは、そのアカウントのスーパー管理者、またはユーザーの追加と編集の権限を持つユーザーです。
page-needs-script = サインインには JavaScript が必要です。承認によって付与されるものは、上に記載されているものがすべてです。
page-token-label = ベアラートークン（開発用サインイン）
page-sign-in = サインイン
page-signing-in = サインインしています…
page-token-empty = 先にトークンを貼り付けてください。
page-offline = サーバーに接続できませんでした。もう一度お試しください。
page-token-invalid = このトークンは無効か、有効期限が切れています。有効なトークンを貼り付けてください。
page-operator = 運用者のトークンではクライアントアカウントについて判断できません。個人としてサインインしてください。
page-signed-in-as = { $name }（{ $email }）としてサインインしています。
page-other-token = 別のトークンを使う
page-accounts-legend = あなたのクライアントアカウント
page-mark-approved = 承認済み
page-mark-declined = 拒否済み
page-no-accounts = あなたが判断できるクライアントアカウントはありません。判断するには、そのアカウントのスーパー管理者であるか、ユーザーの追加と編集の権限が必要です。
page-all-decided = あなたのすべてのクライアントアカウントで、このリンクについての判断が済んでいます。
page-note-label = 拒否する場合の { $worker } さんへのメッセージ（任意、500 文字以内）
page-approve = 承認する
page-decline = 拒否する
page-back = アクセスリクエストに戻る
page-approved = 承認しました。{ $worker } さんは { $client } の Partner Admin になり、パートナーシートが割り当てられました。
page-declined = { $client } について拒否しました。何も付与されていません。{ $worker } さんにはメールで通知されます。
page-sign-in-with-provider = 組織のアカウントで組織の ID プロバイダーにサインインしてから、このページに戻ります。
page-sign-out = サインアウト
page-sign-in-title = サインイン
page-signed-out = サインアウトしました。
page-sign-in-again = 先にサインインしてください。セッションの有効期限が切れたか、すでにサインアウトしています。アクセスリンクを開き直してサインインしてください。
page-anti-forgery = このフォームはこのサーバーが表示したものではないため、何も行われませんでした。アクセスリンクを開き直して、そのページで判断してください。
page-sign-in-not-set-up = このサーバーでは ID プロバイダーによるサインインが設定されていません。
page-return-not-local = サインイン後に戻れるのは、このサーバーのページだけです。

## 拒否された操作

page-foreign-site = このリクエストは別のサイトから送信されたため、拒否されました。アクセスリンクを開き直して、そのページで判断してください。
page-sign-in-first = 先にサインインしてください。アクセスリクエストのページでトークンを貼り付けます。
page-choose-account = 先にクライアントアカウントを選択してください。
page-forbidden = このクライアントアカウントについて判断する権限がありません。スーパー管理者であるか、ユーザーの追加と編集の権限が必要です。
page-busy = サーバーが混み合っています。しばらくしてからもう一度お試しください。
page-refused-LINK_EXPIRED = このリンクは有効期限が切れています。{ $worker } さんに新しいリンクを依頼してください。
page-refused-LINK_REVOKED = このリンクは取り消されました。{ $worker } さんに新しいリンクを依頼してください。
page-refused-LINK_DECLINED = あなたのアカウントはこのリンクを拒否したため、このアカウントでは承認できません。
page-refused-ALREADY_DECLINED = あなたのアカウントはこのリンクをすでに拒否しています。
page-refused-ALREADY_APPROVED = あなたのアカウントはこのリンクをすでに承認しています。
page-refused-ALREADY_SUPER_ADMIN = { $worker } さんはすでにこのアカウントのスーパー管理者です。スーパー管理者から Partner Admin への変更は、パートナーアカウント側で行います。
page-refused-NOT_ELIGIBLE_FOR_PARTNER_SEAT = { $worker } さんはパートナーシートを保持できなくなりました。パートナーまたはメールドメインが条件を満たしていません。
page-refused-PARTNER_TIER_NOT_ALLOWED = { $partner } は Partner Admin を持つことができません。
page-refused-ALREADY_MEMBER = { $worker } さんはその間にこのアカウントに参加しました。もう一度お試しください。
page-refused-NOT_FOUND = このリンクまたはクライアントアカウントは、あなたには確認できません。
page-refused-INVALID_INPUT = メッセージが 500 文字を超えているか、リクエストの形式が正しくありません。
page-refused-other = リクエストは拒否されました。

## R51: サインインできなかった理由

page-sign-in-refused-SIGN_IN_UNKNOWN = このサインインはこのブラウザーで開始されたものではないか、すでに完了しています。アクセスリンクを開き直して、そのページからサインインしてください。
page-sign-in-refused-SIGN_IN_EXPIRED = サインインに時間がかかりすぎたため、有効期限が切れました。アクセスリンクを開き直してサインインしてください。
page-sign-in-refused-STATE_MISMATCH = このサインインはこのブラウザーで開始されたものと一致しないため、拒否されました。アクセスリンクを開き直してサインインしてください。
page-sign-in-refused-SIGN_IN_DENIED = ID プロバイダーでサインインが完了しませんでした。もう一度お試しになる場合は、アクセスリンクを開き直してください。
page-sign-in-refused-CODE_REFUSED = ID プロバイダーがこのサインインの完了を拒否しました（すでに使用された可能性があります）。アクセスリンクを開き直してサインインしてください。
page-sign-in-refused-NONCE_MISMATCH = ID プロバイダーからの応答がこのサインインのものではないため、拒否されました。アクセスリンクを開き直してサインインしてください。
page-sign-in-refused-ID_TOKEN_INVALID = ID プロバイダーからの応答を信頼できません（署名、日時、または確認されていないメールアドレスや組織外のメールアドレス）。
page-sign-in-refused-NO_USER = サインインはできましたが、あなたのメールアドレスを持つ Client Access Manager のユーザーがいません。アカウントのスーパー管理者に追加を依頼してください。
page-sign-in-refused-PROVIDER_UNAVAILABLE = 現在 ID プロバイダーに接続できません。しばらくしてからもう一度お試しください。
