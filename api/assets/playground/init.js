// Starts GraphiQL against this server. Paste a token (printed by
// `cam serve --demo` or `cam token <email>`) into the Headers tab.
// Queries and mutations go over HTTP; subscriptions (R43) over a WebSocket
// to the same /graphql (graphql-transport-ws), where GraphiQL sends the
// Headers tab's contents, the Authorization header included, as the
// connection_init payload.
(function () {
  var http = window.location.origin + '/graphql';
  var ws = http.replace(/^http/, 'ws');
  var fetcher = GraphiQL.createFetcher({ url: http, subscriptionUrl: ws });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: 'headers',
    defaultQuery: '# Open the Headers tab below and paste:\n#   { "Authorization": "Bearer <token>" }\n# with a token from `cam serve --demo` or `cam token <email>`. Then run:\n{\n  viewer {\n    user { email name }\n    partnerAccounts { id name tier canManageAccess }\n    clientAccounts { id name superAdminCount }\n  }\n  now\n}\n'
  }));
})();
